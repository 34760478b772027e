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

/** Runs the server's entry point with `env` until it exits (bounded); answers its exit code and output. */
async function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', '..', 'src', 'app', 'main.js')], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(kill);
  return { code, output };
}

test('When production starts without a master key or admin token, then it says how to generate them', async () => {
  const { code, output } = await runMain({ PARTNERPAY_PROFILE: 'production', DATABASE_URL: 'sqlite::memory:', PORT: '0' });
  assert.equal(code, 1);
  assert.match(output, /security\.masterKey \(PARTNERPAY_MASTER_KEY\): is missing: generate one with `openssl rand -base64 32`/);
  assert.match(output, /security\.adminToken \(PARTNERPAY_ADMIN_TOKEN\): is missing: generate one with `openssl rand -hex 32`/);
  assert.doesNotMatch(output, /received undefined/);
});

test('When the port is taken, then the process names the port and says to set PORT', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  try {
    const { code, output } = await runMain({
      PARTNERPAY_PROFILE: 'test',
      DATABASE_URL: 'sqlite::memory:',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    assert.equal(code, 1);
    assert.match(output, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use .*set PORT to a free port`));
  } finally {
    await new Promise<void>((r) => busy.close(() => r()));
  }
});
