import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..', '..');
/** The `app` service's environment in docker-compose.yml (its block, read line by line: no YAML library needed). */
function appEnvironment(): Record<string, string> {
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  const block = /\n {2}app:\n([\s\S]*?)\n {2}[a-z]+:\n/.exec(text)?.[1] ?? '';
  const env = /\n {4}environment:\n((?: {6}.*\n)+)/.exec(`\n${block}\n`)?.[1] ?? '';
  return Object.fromEntries([...env.matchAll(/^ {6}([A-Z0-9_]+): *(.*)$/gm)].map((m) => [m[1], m[2]]));
}
const loadConfigSource = readFileSync(join(root, 'src', 'platform', 'config', 'load-config.ts'), 'utf8');

test('When partnerpay reads a PARTNERPAY_ variable, then docker-compose.yml passes it to the app (rotation, metrics token, jobs)', () => {
  const read = [...loadConfigSource.matchAll(/\[\s*'(PARTNERPAY_[A-Z0-9_]+)'\s*,\s*\[/g)].map((m) => m[1]);
  // Only for the demo and tests: production refuses private webhooks.
  const notForProduction = new Set(['PARTNERPAY_ALLOW_PRIVATE_WEBHOOKS']);
  const passed = Object.keys(appEnvironment());
  const missing = read.filter((n) => !notForProduction.has(n) && !passed.includes(n));
  assert.deepEqual(missing, [], 'variables the app reads but docker-compose.yml does not pass');
  for (const n of ['PARTNERPAY_PREVIOUS_MASTER_KEYS', 'PARTNERPAY_METRICS_TOKEN', 'PARTNERPAY_JOBS']) assert.ok(passed.includes(n), n);
});

test('When the app runs in docker-compose behind a proxy on the host, then its trust-proxy default covers the Docker gateway it sees', () => {
  const app = appEnvironment();
  const trust = String(app.PARTNERPAY_TRUST_PROXY);
  // The proxy reaches the published port; inside the container the peer is the bridge gateway (a private address).
  assert.match(trust, /uniquelocal|172\.16\.0\.0\/12/, trust);
  const deployment = readFileSync(join(root, 'docs', 'deployment.md'), 'utf8');
  assert.match(deployment, /Docker network's gateway/);
  assert.match(deployment, /uniquelocal/);
});
