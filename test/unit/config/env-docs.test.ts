import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Every environment variable the configuration reads is documented: README's table and .env.example name it.
// The names are taken from the sources (src/platform/config: the ENV_KEYS table and every env.NAME read; the
// standalone simulator's config: its flag table and every env.NAME read), so a new variable without
// documentation fails here.
const root = resolve(__dirname, '..', '..', '..', '..');
const configDir = join(root, 'src', 'platform', 'config');
const simulatorConfig = join(root, 'packages', 'wxpay-simulator', 'src', 'config.ts');

function variablesRead(): string[] {
  const names = new Set<string>();
  const files = [
    ...readdirSync(configDir)
      .filter((n) => n.endsWith('.ts'))
      .map((n) => join(configDir, n)),
    simulatorConfig,
  ];
  for (const f of files) {
    const code = readFileSync(f, 'utf8');
    for (const m of code.matchAll(/\[\s*'([A-Z][A-Z0-9_]+)'\s*,\s*\[/g)) names.add(m[1]);
    for (const m of code.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]);
    for (const m of code.matchAll(/'--[a-z-]+':\s*'([A-Z][A-Z0-9_]+)'/g)) names.add(m[1]);
  }
  return [...names].sort();
}

test('When partnerpay or the standalone simulator reads an environment variable, then README and .env.example document it', () => {
  const names = variablesRead();
  for (const expected of ['PORT', 'DATABASE_URL', 'REDIS_KEY_PREFIX', 'LOG_LEVEL', 'PARTNERPAY_JOBS', 'DB_PASSWORD', 'NODE_ENV'])
    assert.ok(names.includes(expected), `the scan finds ${expected}`);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = readFileSync(join(root, '.env.example'), 'utf8');
  assert.deepEqual(
    names.filter((n) => !readme.includes(`\`${n}\``)),
    [],
    'missing from README (as `NAME`)',
  );
  assert.deepEqual(
    names.filter((n) => !new RegExp(`^#? ?${n}=`, 'm').test(example)),
    [],
    'missing from .env.example (as NAME= or # NAME=)',
  );
});

test('When a newcomer reads the README, then it stands alone: no shared contract document, a way to make a master key', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.doesNotMatch(readme, /shared contract/i);
  assert.match(readme, /openssl rand -base64 32/);
  for (const link of readme.matchAll(/\]\((docs\/[^)#]+)\)/g)) readFileSync(join(root, link[1]));
});
