/**
 * The standalone simulator as a user runs it: its bin (`wxpay-simulator --port 0 --state <dir>`) in a
 * child process, its address read from what it prints. Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** packages/wxpay-simulator/bin/wxpay-simulator.js, from dist/test/support. */
export const SIMULATOR_BIN = resolve(__dirname, '..', '..', '..', 'packages', 'wxpay-simulator', 'bin', 'wxpay-simulator.js');

export interface StandaloneSimulator {
  /** `http://127.0.0.1:<port>`: WeChat Pay's root (/v3/...) and the control API (/control/...). */
  baseUrl: string;
  child: ChildProcess;
  /** SIGTERM, then waits (at most 10 s) for the exit; answers the exit code. */
  stop(): Promise<number | null>;
  /** What it printed so far (stdout and stderr). */
  output(): string;
}

/** Starts the bin on a free port with `args` (e.g. ['--state', dir]); rejects after 60 s without its address (it makes RSA keys and a certificate first: slow on a loaded machine). */
export async function startStandaloneSimulator(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<StandaloneSimulator> {
  const child = spawn(process.execPath, [SIMULATOR_BIN, '--port', '0', ...args], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', SIM_REFUND_AUTO_FINISH_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      // Never leave it behind: a child still running keeps the test process (and the suite) alive.
      child.kill('SIGKILL');
      reject(new Error(`the simulator printed no address within 60 s:\n${out}`));
    }, 60_000);
    const check = () => {
      const m = /listening on (http:\/\/[^\s)]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited (${code}) before listening:\n${out}`));
    });
  });
  return {
    baseUrl,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
      const code = await Promise.race([exited, timeout]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        throw new Error(`the simulator did not stop within 10 s after SIGTERM:\n${out}`);
      }
      return code;
    },
  };
}

/** A JSON call to the control API; answers status and body. */
export async function control(baseUrl: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
  const res = await fetch(`${baseUrl}/control${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The parts of the simulator's programmatic API the tests use, through its control API (the standalone has no other). */
export class RemoteSimulator {
  constructor(readonly baseUrl: string) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each caller types the answer it reads
  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<any> {
    const res = await control(this.baseUrl, method, path, body);
    if (res.status >= 300) throw new Error(`control ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  platform(): Promise<{ public_key_id: string; public_key_pem: string; certificate_serial: string; certificate_pem: string }> {
    return this.call('GET', '/platform');
  }
  async calls(): Promise<Array<{ method: string; path: string; body: unknown; sp_mchid?: string; status: number }>> {
    return (await this.call('GET', '/calls')).data;
  }
  registerServiceProvider(r: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', '/service-providers', r);
  }
  registerSubMerchant(r: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', '/sub-merchants', r);
  }
  /** Pays like WxpaySimulator.pay: answers after the first delivery attempt of TRANSACTION.SUCCESS. */
  pay(sel: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', '/pay', sel);
  }
  finishRefund(r: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', '/refunds/finish', r);
  }
}
