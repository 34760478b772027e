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

/** Starts the bin on a free port with `args` (e.g. ['--state', dir]); rejects after 20 s without its address. */
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
    const timer = setTimeout(() => reject(new Error(`the simulator printed no address within 20 s:\n${out}`)), 20_000);
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
