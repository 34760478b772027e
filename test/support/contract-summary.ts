import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The run's contract figures: operations in the document, those some test exercised, and the list of the others. */
export function contractSummary(dir: string): string {
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
  if (!all.size) return '# contract: no test app reported';
  const missing = [...all].filter((o) => !hit.has(o)).sort();
  return (
    `# contract: ${hit.size} of ${all.size} operations exercised, ${violations} answers outside the document` +
    (missing.length ? `\n# contract: not exercised by any test: ${missing.join(', ')}` : '')
  );
}
