/**
 * Real processes for the resilience scenarios: partnerpay from dist/src/app/main.js, private mariadbd and
 * redis-server on their own ports and data directories. Every process is this test's own: bound to
 * 127.0.0.1, on a free port, stopped by its pid. Every wait is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';

/** A free loopback TCP port (bound then released: the caller binds it a moment later). */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail).listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` every `everyMs` until it answers true; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** mulberry32: a seeded PRNG, so a failing run can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where a server binary is, or undefined (the scenario is then skipped with the reason printed). */
export function binary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/sbin', '/usr/bin'])) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** Ends a child by pid with `signal` and waits (bounded) for its exit. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid!, signal);
  const timer = sleep(timeoutMs).then(() => 'timeout' as const);
  if ((await Promise.race([exited, timer])) === 'timeout') {
    process.kill(child.pid!, 'SIGKILL');
    await exited;
  }
}

/** Tracks children so that a crashing test leaves nothing behind. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface PartnerpayOptions {
  dbUrl: string;
  redisUrl?: string;
  redisPrefix: string;
  wxpayBase: string;
  port: number;
  /** Run background jobs (reconciler, expiry, dispatcher...) at this interval; undefined = no jobs. */
  jobsIntervalMs?: number;
  /** The dispatcher's lease on a claimed event (PARTNERPAY_EVENT_LEASE_MS); short, so a killed process's events come back soon. */
  eventLeaseMs?: number;
  logLevel?: string;
  env?: Record<string, string>;
}

export const ADMIN_TOKEN = 'test-admin-token-000000000000000';

/** One partnerpay process (dist/src/app/main.js, test profile) that can be killed and started again on the same port. */
export class PartnerpayProcess {
  private child?: ChildProcess;
  readonly base: string;
  /** stderr and the last lines of stdout, for a failure message. */
  private tail = '';
  starts = 0;

  constructor(readonly opts: PartnerpayOptions) {
    this.base = `http://127.0.0.1:${opts.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** Spawns the process and waits (bounded) until /readyz answers 200. */
  async start(timeoutMs = 30_000): Promise<void> {
    const o = this.opts;
    const main = resolve(__dirname, '..', '..', '..', 'src', 'app', 'main.js');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      PARTNERPAY_PROFILE: 'test',
      PORT: String(o.port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: this.base,
      DATABASE_URL: o.dbUrl,
      // Migrated by the first start; a restart after kill -9 skips the check, as a redeploy of the same version would.
      PARTNERPAY_MIGRATE_ON_START: this.starts === 0 ? 'true' : 'false',
      PARTNERPAY_EVENT_LEASE_MS: String(o.eventLeaseMs ?? 10_000),
      REDIS_KEY_PREFIX: o.redisPrefix,
      WXPAY_BASE_URL: o.wxpayBase,
      WECHAT_API_BASE_URL: o.wxpayBase,
      PARTNERPAY_ALLOW_PRIVATE_WEBHOOKS: 'true',
      PARTNERPAY_JOBS: o.jobsIntervalMs === undefined ? 'false' : 'true',
      ...(o.jobsIntervalMs === undefined ? {} : { PARTNERPAY_JOBS_INTERVAL_MS: String(o.jobsIntervalMs) }),
      ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
      LOG_LEVEL: o.logLevel ?? 'error',
      ...o.env,
    };
    const child = track(spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    this.child = child;
    this.starts++;
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    try {
      await waitFor(
        `partnerpay on ${this.base} to be ready`,
        async () => {
          if (child.exitCode !== null) throw new Error(`partnerpay exited (${child.exitCode}) while starting:\n${this.tail}`);
          const res = await request(`${this.base}/readyz`, { headersTimeout: 2000, bodyTimeout: 2000 });
          await res.body.dump();
          return res.statusCode === 200;
        },
        timeoutMs,
        50,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${this.tail}`);
    }
  }

  /** kill -9: no shutdown hook runs, connections drop mid-request. */
  async kill9(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGKILL');
  }

  /** A graceful stop (SIGTERM). */
  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGTERM');
  }

  output(): string {
    return this.tail;
  }
}

/** A private mariadbd: its own data directory under /tmp and its own port; never the shared server. */
export class PrivateMariadb {
  private child?: ChildProcess;
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  /** Initialises a data directory (mariadb-install-db --no-defaults) and starts the server; undefined when the binaries are absent. */
  static async create(): Promise<PrivateMariadb | string> {
    const server = binary('mariadbd');
    const install = binary('mariadb-install-db');
    if (!server || !install) return 'mariadbd or mariadb-install-db not found';
    const dir = mkdtempSync(join(tmpdir(), 'pp-resil-mariadb-'));
    const r = spawnSync(
      install,
      ['--no-defaults', `--datadir=${dir}/data`, '--auth-root-authentication-method=normal', '--skip-test-db', `--user=${userName()}`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (r.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      return `mariadb-install-db failed: ${(r.stdout + r.stderr).slice(-500)}`;
    }
    const db = new PrivateMariadb(dir, await freePort(), server);
    await db.start();
    return db;
  }

  async start(): Promise<void> {
    this.child = track(
      spawn(
        this.bin,
        [
          '--no-defaults',
          `--datadir=${this.dir}/data`,
          `--port=${this.port}`,
          '--bind-address=127.0.0.1',
          `--socket=${this.dir}/mariadb.sock`,
          `--pid-file=${this.dir}/mariadb.pid`,
          `--user=${userName()}`,
          '--skip-grant-tables',
          '--innodb-buffer-pool-size=32M',
          '--skip-log-bin',
          '--max-connections=200',
        ],
        { stdio: 'ignore' },
      ),
    );
    await waitFor(`private mariadbd on port ${this.port}`, () => mysqlPing(this.port), 60_000, 200);
  }

  /** Creates a database on this server (answers its URL). */
  async createDatabase(name: string): Promise<string> {
    const { createConnection } = await import('mysql2/promise');
    const c = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 5000 });
    try {
      await c.query(`create database if not exists \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
    } finally {
      await c.end();
    }
    return `mysql://root@127.0.0.1:${this.port}/${name}`;
  }

  /** SIGKILL: the database disappears as a crashed server does. */
  async kill(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGKILL');
  }

  async close(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGTERM', 30_000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A private redis-server on its own port, no persistence. */
export class PrivateRedis {
  private child?: ChildProcess;
  /** Its own working directory (nothing is saved there: no RDB, no AOF), removed by close(). */
  private readonly dir = mkdtempSync(join(tmpdir(), 'pp-redis-'));
  private constructor(
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async create(): Promise<PrivateRedis | string> {
    const bin = binary('redis-server');
    if (!bin) return 'redis-server not found';
    const r = new PrivateRedis(await freePort(), bin);
    await r.start();
    return r;
  }

  async start(): Promise<void> {
    this.child = track(
      spawn(this.bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
        stdio: 'ignore',
      }),
    );
    await waitFor(`private redis-server on port ${this.port}`, () => tcpOpen(this.port), 20_000, 100);
  }

  async kill(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGKILL');
  }

  /** SIGSTOP: connections stay open and nothing answers (a stalled server, not a refused one). */
  stall(): void {
    if (this.child?.pid && this.child.exitCode === null) process.kill(this.child.pid, 'SIGSTOP');
  }

  /** SIGCONT after stall(). */
  resume(): void {
    if (this.child?.pid && this.child.exitCode === null && this.child.signalCode === null) process.kill(this.child.pid, 'SIGCONT');
  }

  async close(): Promise<void> {
    this.resume();
    if (this.child) await stopChild(this.child, 'SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function userName(): string {
  return process.env.USER ?? (process.getuid?.() === 0 ? 'root' : 'nobody');
}

async function tcpOpen(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((ok) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      ok(true);
    });
    s.once('error', () => ok(false));
  });
}

async function mysqlPing(port: number): Promise<boolean> {
  const { createConnection } = await import('mysql2/promise');
  const c = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 2000 });
  try {
    await c.query('select 1');
    return true;
  } finally {
    await c.end();
  }
}
