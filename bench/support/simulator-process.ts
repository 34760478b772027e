import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { request } from 'undici';

export interface SimulatorProcess {
  /** e.g. http://127.0.0.1:41234 (WeChat Pay's root). */
  base: string;
  pid: number;
  platform: { public_key_id: string; public_key_pem: string; certificate_serial: string };
  /** The simulator's platform private key (PEM), read from its state dir: the bench signs notifications with it as WeChat Pay would. */
  platformPrivateKeyPem: string;
  /** POST/GET to the control API; throws on a non-2xx answer. */
  control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Starts the standalone simulator (`wxpay-simulator`, from @partnerpay/wxpay-simulator) in its own process on a free loopback port (SIM_PORT=0),
 * with a private state dir so that its platform key pair lands in a file this bench can read.
 */
export async function startSimulatorProcess(): Promise<SimulatorProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pp-bench-sim-'));
  const main = join(dirname(require.resolve('@partnerpay/wxpay-simulator/package.json')), 'dist', 'src', 'main.js');
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      SIM_PORT: '0',
      // Real time, and refunds finish only when told (as partnerpay's test profile had it).
      SIM_CLOCK_SPEED: '1',
      SIM_REFUND_AUTO_FINISH_SECONDS: '0',
      SIM_HOST: '127.0.0.1',
      SIMULATOR_STATE_DIR: stateDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never leave the simulator behind: a crash or Ctrl-C of the bench ends it too.
  const killChild = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(stateDir, { recursive: true, force: true });
  };
  process.once('exit', killChild);
  const base = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`simulator did not start within 90 s (a loaded machine):\n${out}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`simulator exited (${code}) before listening:\n${out}`));
    });
  });
  child.stdout!.resume();

  const control = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await request(`${base}/control${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`simulator ${method} /control${path}: ${res.statusCode} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const platform = await control<SimulatorProcess['platform']>('GET', '/platform');
  const stored = JSON.parse(readFileSync(join(stateDir, 'simulator-keys.json'), 'utf8')) as { private_key_pem: string };
  return {
    base,
    pid: child.pid!,
    platform,
    platformPrivateKeyPem: stored.private_key_pem,
    control,
    async close() {
      process.off('exit', killChild);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
