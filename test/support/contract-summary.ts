import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the run's contract figures say, and whether they fail the run. */
export interface ContractSummary {
  text: string;
  failed: boolean;
}

/**
 * The run's contract figures: operations in the document, those some test exercised, and the list of the others.
 * With `strict`, any answer outside the document fails the run, and so does an operation no test exercised, but
 * only when `wholeSuite` ran (a single file exercises a few operations by design).
 */
export function contractSummary(dir: string, opts: { wholeSuite: boolean; strict: boolean }): ContractSummary {
  const all = new Set<string>();
  const hit = new Set<string>();
  let violations = 0;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.jsonl')))
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { operations: string[]; exercised: string[]; violations: unknown[] };
      r.operations.forEach((o) => all.add(o));
      r.exercised.forEach((o) => hit.add(o));
      violations += r.violations.length;
    }
  if (!all.size) return { text: '# contract: no test app reported', failed: false };
  const missing = [...all].filter((o) => !hit.has(o)).sort();
  const failsOnMissing = opts.strict && opts.wholeSuite && missing.length > 0;
  const text =
    `# contract: ${hit.size} of ${all.size} operations exercised, ${violations} answers outside the document` +
    (missing.length ? `\n# contract: not exercised by any test: ${missing.join(', ')}` : '') +
    (failsOnMissing
      ? '\n# contract: FAILED: every operation must be exercised by at least one test (PARTNERPAY_CONTRACT=report to only list them)'
      : '') +
    (opts.strict && violations ? '\n# contract: FAILED: answers outside the document (see the files above)' : '');
  return { text, failed: failsOnMissing || (opts.strict && violations > 0) };
}
