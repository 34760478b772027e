import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A port nothing listens on: bound, noted, released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('When REDIS_URL points at nothing, then the process says so and exits non-zero within seconds', async () => {
  const port = await closedPort();
  const started = Date.now();
  const child = spawn(process.execPath, [join(__dirname, '..', '..', '..', 'src', 'app', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      PARTNERPAY_PROFILE: 'test',
      DATABASE_URL: 'sqlite::memory:',
      REDIS_URL: `redis://127.0.0.1:${port}`,
      PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const kill = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(kill);
  const seconds = (Date.now() - started) / 1000;
  console.log(`# exited ${code} after ${seconds.toFixed(1)} s`);
  assert.notEqual(code, 0);
  assert.notEqual(code, null, 'it exited by itself');
  assert.match(output, new RegExp(`Redis at 127\\.0\\.0\\.1:${port} is unreachable`));
});
