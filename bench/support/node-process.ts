import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A partnerpay node as `npm start` runs it (node dist/src/app/main.js), in its own process. */
export interface NodeProcess {
  baseUrl: string;
  pid: number;
  close(): Promise<void>;
}

export const NODE_ADMIN_TOKEN = 'bench-admin-token-0000000000000000';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/**
 * Starts `node dist/src/app/main.js` in the test profile's frame with the production profile's
 * settings by environment: MariaDB, Redis (own prefix), WeChat Pay = `wxpayBase`, jobs on every
 * 5 s, info logs to `logFile` (stdout redirected), private webhooks allowed (the receiver is on
 * loopback). Resolves once /readyz answers 200 (at most 180 s: a loaded machine).
 */
export async function startNode(opts: {
  dbUrl: string;
  redisUrl: string;
  prefix: string;
  wxpayBase: string;
  logFd: number;
}): Promise<NodeProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', '..', 'src', 'app', 'main.js')], {
    stdio: ['ignore', opts.logFd, 'inherit'],
    env: {
      ...process.env,
      PARTNERPAY_PROFILE: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: baseUrl,
      DATABASE_URL: opts.dbUrl,
      REDIS_URL: opts.redisUrl,
      REDIS_KEY_PREFIX: opts.prefix,
      WXPAY_BASE_URL: opts.wxpayBase,
      PARTNERPAY_JOBS: '1',
      PARTNERPAY_JOBS_INTERVAL_MS: '5000',
      PARTNERPAY_ALLOW_PRIVATE_WEBHOOKS: '1',
      PARTNERPAY_ADMIN_TOKEN: NODE_ADMIN_TOKEN,
      LOG_LEVEL: 'info',
    },
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`partnerpay node exited (${child.exitCode}) while starting`);
    const ok = await fetch(`${baseUrl}/readyz`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('partnerpay node not ready after 180 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    pid: child.pid!,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
