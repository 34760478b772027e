import type { Clock } from '@partnerpay/wxpay';

/** A clock tests move by hand (partnerpay's ManualClock, or any clock with `advance`). */
interface ManualClock extends Clock {
  advance(ms: number): void;
}
const isManual = (c: Clock): c is ManualClock => typeof (c as Partial<ManualClock>).advance === 'function';

interface Task {
  at: number;
  seq: number;
  run: () => Promise<void> | void;
}

/**
 * The simulator's timeline for everything WeChat Pay does "later": notification retries, delayed
 * (out-of-order) deliveries, auto-finished refunds. It runs `speed` times faster than the wall clock
 * on real timers, or only when told (`advance`/`flushDue`) in manual mode, so tests never wait.
 * Wall-clock facts (signature timestamps, success_time, time_expire) use the wall clock, not this.
 */
export class SimScheduler {
  private readonly tasks: Task[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private seq = 0;
  private offset = 0;
  private readonly startWall: number;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  readonly manual: boolean;
  /** Called after each task (the simulator saves its state then). */
  onTaskDone?: () => void;

  constructor(
    private readonly wall: Clock,
    private readonly speed = 1,
    mode?: 'timers' | 'manual',
  ) {
    this.manual = (mode ?? (isManual(wall) ? 'manual' : 'timers')) === 'manual';
    this.startWall = wall.now();
  }

  /** Simulator time in ms: starts at the wall clock, then runs `speed` times faster (timers) or moves only on advance() (manual). */
  now(): number {
    // Manual: time moves only by advance() (with a shared ManualClock, that clock is the timeline).
    if (this.manual) return (isManual(this.wall) ? this.wall.now() : this.startWall) + this.offset;
    const w = this.wall.now();
    return w + (w - this.startWall) * (this.speed - 1) + this.offset;
  }

  /** Runs `run` once `delayMs` of simulator time has passed; returns a cancel function. */
  after(delayMs: number, run: () => Promise<void> | void): () => void {
    const task: Task = { at: this.now() + Math.max(0, delayMs), seq: this.seq++, run };
    this.tasks.push(task);
    this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.arm();
    return () => {
      const i = this.tasks.indexOf(task);
      if (i >= 0) this.tasks.splice(i, 1);
    };
  }

  /** Moves simulator time forward by `ms` (a shared ManualClock moves with it) and runs what became due. */
  async advance(ms: number): Promise<void> {
    if (this.manual && isManual(this.wall)) this.wall.advance(ms);
    else this.offset += ms;
    await this.flushDue();
  }

  /** Runs every task due by now (and any they schedule that are already due) and waits for work in flight. */
  async flushDue(): Promise<void> {
    // Due tasks run concurrently, as WeChat Pay's deliveries to different URLs do; loop for tasks they schedule.
    for (;;) {
      const now = this.now();
      const due: Task[] = [];
      while (!this.stopped && this.tasks.length && this.tasks[0].at <= now) due.push(this.tasks.shift()!);
      if (!due.length) break;
      for (const t of due) void this.track(t.run);
      await this.idle();
    }
    await this.idle();
    this.arm();
  }

  /** Waits until no task is running. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Tracks fire-and-forget work so `idle()`/`flushDue()` can wait for it. */
  track(run: () => Promise<void> | void): Promise<void> {
    const p = (async () => run())().catch(() => undefined);
    this.inFlight.add(p);
    void p.finally(() => {
      this.inFlight.delete(p);
      this.onTaskDone?.();
    });
    return p;
  }

  /** Pending tasks (for the control API and tests). */
  pending(): number {
    return this.tasks.length;
  }

  /** Drops pending tasks (reset); the timeline keeps running. */
  cancelAll(): void {
    this.tasks.length = 0;
    this.arm();
  }

  /** Stops timers and drops pending tasks. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.tasks.length = 0;
  }

  private arm(): void {
    if (this.manual || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.tasks[0];
    if (!next) return;
    const realDelay = Math.max(0, (next.at - this.now()) / this.speed);
    // Timers are capped so a long wait re-checks (the clock may have been advanced meanwhile).
    this.timer = setTimeout(() => void this.flushDue(), Math.min(realDelay + 1, 60_000));
    this.timer.unref();
  }
}
