import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// The production image runs `npm ci --omit=dev`: the server and its CLIs (migrate, tenants:sync, keys:rotate) must
// need nothing from devDependencies. This walks every module the entry points load from dist/ (relative requires,
// transitively) and checks each package they require is a dependency. The build output is what is checked, so a
// type-only import that tsc erased does not count, and a real one does.
const root = resolve(__dirname, '..', '..', '..', '..');
const dist = join(root, 'dist');
interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const ENTRIES = ['src/app/main.js', ...readdirSync(join(dist, 'src', 'app', 'cli')).map((f) => `src/app/cli/${f}`)].filter((f) =>
  f.endsWith('.js'),
);
/** The workspace packages (packages/*): followed into their own dist/, and checked against their own dependencies. */
const WORKSPACES: Record<string, string> = Object.fromEntries(
  readdirSync(join(root, 'packages')).map((d) => [
    (JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) as { name: string }).name,
    join(root, 'packages', d),
  ]),
);
/** Required inside a try, with a fallback, on purpose: LOG_PRETTY=1 uses it when installed (src/platform/logging/logger.ts). */
const OPTIONAL = new Set(['pino-pretty']);
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every package required from the entry points on, by the package.json that must declare it (root's or a workspace's). */
function walk(): Map<string, Map<string, string>> {
  const needs = new Map<string, Map<string, string>>();
  const seen = new Set<string>();
  const owner = (file: string) => Object.values(WORKSPACES).find((w) => file.startsWith(w + '/')) ?? root;
  const queue = ENTRIES.map((e) => join(dist, e));
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/\brequire\(["']([^"']+)["']\)/g)) {
      const spec = m[1];
      if (spec.startsWith('.')) {
        const base = resolve(dirname(file), spec);
        const next = [base, `${base}.js`, join(base, 'index.js')].find((p) => existsSync(p) && p.endsWith('.js'));
        if (next) queue.push(next);
      } else if (!builtins.has(spec)) {
        const name = packageName(spec);
        const pkgDir = owner(file);
        if (!needs.has(pkgDir)) needs.set(pkgDir, new Map());
        needs.get(pkgDir)!.set(name, file.slice(root.length + 1));
        const workspace = WORKSPACES[name];
        if (workspace) {
          const main = (JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8')) as { main: string }).main;
          queue.push(join(workspace, main));
        }
      }
    }
  }
  return needs;
}

test('When the production entry points (main, migrate, tenants:sync, keys:rotate, ...) are loaded, then every package they require is a dependency', () => {
  assert.ok(existsSync(join(dist, 'src', 'app', 'cli', 'migrate.js')), 'run after npm run build');
  const needs = walk();
  const app = needs.get(root)!;
  assert.ok(app.has('express') && app.has('@mikro-orm/core') && app.has('@partnerpay/wxpay'), 'the walk reaches the app');
  assert.ok(needs.get(WORKSPACES['@partnerpay/wxpay'])?.has('undici'), 'the walk reaches into packages/wxpay');
  const missing = [...needs].flatMap(([dir, names]) => {
    const deps = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest).dependencies ?? {};
    return [...names]
      .filter(([name]) => !(name in deps) && !OPTIONAL.has(name))
      .map(([name, from]) => `${name} (required by ${from}, not a dependency in ${join(dir, 'package.json').slice(root.length + 1)})`);
  });
  assert.deepEqual(missing, [], 'these are devDependencies or undeclared: a pruned install (npm ci --omit=dev) would fail');
});

test('When npm scripts run the CLIs, then they run the built files, never tsc (the image has no compiler)', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  for (const name of ['start', 'prestart', 'migrate', 'tenants:sync', 'keys:rotate'])
    assert.doesNotMatch(scripts[name], /\btsc\b|npm run build/, `${name}: ${scripts[name]}`);
  for (const name of ['migrate', 'tenants:sync', 'keys:rotate']) assert.match(scripts[name], /node dist\/src\/app\/cli\/[\w-]+\.js$/);
});
