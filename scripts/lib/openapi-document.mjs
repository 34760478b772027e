// The server's own /openapi.json, read from the built server (package.json `main`) started on a free port with a
// throwaway in-memory database and no background jobs. Used by `npm run contract` (also `npm run console:api`).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main);

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Starts the built server, reads /openapi.json, stops it. */
export async function fetchDocument() {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'pp-console-api-'));
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: 'sqlite::memory:',
      SIMULATOR_STATE_DIR: state,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      PARTNERPAY_JOBS: '0',
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((res) => child.once('exit', res));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before answering /openapi.json`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/openapi.json`);
        if (res.ok) return await res.json();
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('no /openapi.json within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(state, { recursive: true, force: true });
  }
}
