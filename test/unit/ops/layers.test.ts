import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The layering rule `npm run lint` enforces (.dependency-cruiser.cjs, README "Layout"): a file planted in
// src/platform/ that imports a module makes the checker fail, naming the rule; without it, it passes. The checker
// runs on the one file and its direct imports (--max-depth 1), so this stays fast.
const root = resolve(__dirname, '..', '..', '..', '..');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function cruise(file: string): { status: number | null; output: string } {
  const r = spawnSync(
    process.execPath,
    [depcruise, '--config', '.dependency-cruiser.cjs', '--output-type', 'err', '--max-depth', '1', file],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test('When src/platform/ imports a module, then the layer check fails with platform-stays-down; without it, it passes', () => {
  const planted = join('src', 'platform', `zz-layer-probe-${process.pid}.ts`);
  writeFileSync(
    join(root, planted),
    "import { paymentsModule } from '../modules/payments';\n\nexport const probe = paymentsModule.name;\n",
  );
  try {
    const bad = cruise(planted);
    assert.notEqual(bad.status, 0, bad.output);
    assert.match(bad.output, /platform-stays-down/);
  } finally {
    rmSync(join(root, planted), { force: true });
  }
  const good = cruise(join('src', 'platform', 'module.ts'));
  assert.equal(good.status, 0, good.output);
});
