import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

// README "Layout", Names: files are `<thing>.<role>.ts` in kebab-case, or plain kebab-case without a role.
// Migrations keep MikroORM's own names (Migration<timestamp>_<Name>.ts).
const root = resolve(__dirname, '..', '..', '..', '..');
const ROLES = [
  'entity',
  'repository',
  'state',
  'service',
  'routes',
  'view',
  'input',
  'schemas',
  'queries',
  'jobs',
  'follower',
  'module',
  'secrets',
];
const NAME = new RegExp(`^[a-z0-9]+(-[a-z0-9]+)*(\\.(${ROLES.join('|')}))?\\.ts$`);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('Every file under src/ follows the naming scheme: <thing>.<role>.ts or plain kebab-case', () => {
  const files = sources(join(root, 'src')).filter((p) => !p.includes(join('app', 'migrations', 'Migration')));
  assert.ok(files.length > 100, `found ${files.length} files`);
  const off = files.filter((p) => !NAME.test(p.split(/[\\/]/).pop()!)).map((p) => relative(root, p));
  assert.deepEqual(off, [], `rename these (roles: ${ROLES.join(', ')}), or add a role to README "Layout" and this list`);
  assert.ok(!NAME.test('order-service.ts.bak') && !NAME.test('orderService.ts') && !NAME.test('x.entities.ts'));
});
