import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FromClient, LoadRequest, LoadResult, ToClient } from './load-protocol';
import { childCpuMicros, threadCpuMicros } from './cpu';
import { startProfile } from './profile';

export interface MeasuredLoad extends LoadResult {
  /** CPU microseconds (user + system, all threads) this process spent between `go` and `done`. */
  cpuUs: number;
  /** Of which in the kernel (system time: syscalls, file and socket I/O). */
  sysUs: number;
  /**
   * Of which on the main (JavaScript) thread; the rest is V8's GC/compiler helpers and libuv's
   * pool. From /proc/thread-self/schedstat, which moves on scheduler ticks: good to a few ms over a
   * window of seconds, useless for short intervals. Undefined off Linux.
   */
  mainUs?: number;
  /** CPU microseconds other processes (by pid) spent in the same window, where /proc tells. */
  others: Record<string, number | undefined>;
}

export interface RunOptions {
  /** Other processes whose CPU time to read over the window (/proc, 10 ms ticks). */
  watch?: Record<string, number>;
  /** With BENCH_CPU_PROFILE, the name of the V8 profile of this window. */
  profileName?: string;
  /** Open loop at this rate instead of a closed loop of `concurrency` (which then sizes the connection pool). */
  ratePerSecond?: number;
  /**
   * Awaited after the last answer, inside the measured window: the background work the requests
   * caused (event delivery) is counted with them. Polls from this process cost a little CPU too.
   */
  settle?: () => Promise<void>;
}

/** A forked load generator (./load-client.js): requests go over loopback, its CPU is its own. */
export class LoadClient {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<LoadClient> {
    const child = fork(join(__dirname, 'load-client.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const c = new LoadClient(child);
    await c.next('ready');
    return c;
  }

  /** The load generator's pid (to read its CPU time). */
  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Hands over the prepared requests, then runs them against `origin`, measuring this process's
   * CPU time (and that of the watched pids) over exactly the load window. Nothing else of the bench
   * runs in this process during the window.
   */
  async run(origin: string | string[], requests: LoadRequest[], concurrency: number, opts: RunOptions = {}): Promise<MeasuredLoad> {
    const watch = opts.watch ?? {};
    this.send({ type: 'load', requests });
    await this.next('loaded');
    const othersBefore = Object.fromEntries(Object.entries(watch).map(([k, pid]) => [k, childCpuMicros(pid)]));
    const profile = opts.profileName ? await startProfile() : undefined;
    const mainBefore = threadCpuMicros();
    const before = process.cpuUsage();
    this.send({ type: 'go', origin, concurrency, ratePerSecond: opts.ratePerSecond });
    const m = await this.next('done');
    await opts.settle?.();
    const d = process.cpuUsage(before);
    const mainAfter = threadCpuMicros();
    await profile?.stop(opts.profileName!);
    const others = Object.fromEntries(
      Object.entries(watch).map(([k, pid]) => {
        const a = othersBefore[k];
        const b = childCpuMicros(pid);
        return [k, a === undefined || b === undefined ? undefined : b - a];
      }),
    );
    return {
      ...(m as Extract<FromClient, { type: 'done' }>).result,
      cpuUs: d.user + d.system,
      sysUs: d.system,
      mainUs: mainBefore === undefined || mainAfter === undefined ? undefined : mainAfter - mainBefore,
      others,
    };
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.send({ type: 'exit' });
    await exited;
  }

  private send(m: ToClient): void {
    this.child.send(m);
  }

  private next(type: FromClient['type']): Promise<FromClient> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromClient) => {
        if (m.type === 'failed') {
          cleanup();
          reject(new Error(`load client failed: ${m.message}`));
        } else if (m.type === type) {
          cleanup();
          resolve(m);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`load client exited (${code}) while waiting for ${type}`));
      };
      const cleanup = () => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
    });
  }
}
