import type { Clock } from '@partnerpay/wxpay';

/** A clock tests move by hand (partnerpay's ManualClock, or any clock with `advance`). */
interface ManualClock extends Clock {
  advance(ms: number): void;
}
const isManual = (c: Clock): c is ManualClock => typeof (c as Partial<ManualClock>).advance === 'function';

/**
 * One piece of scheduled work as data: `kind` names its handler (SimScheduler.handle), `at` is
 * simulator time, `args` plain data (it may point at state objects: an order, a refund, an
 * applyment; the snapshot keeps such references shared).
 */
export interface ScheduledTask {
  id: number;
  kind: string;
  at: number;
  args: unknown;
}

/**
 * The scheduled work, kept with the state (persistence finds this Map like any other): after a restart
 * the notification retries, delayed deliveries, applyment and settlement audits, refund and split
 * auto-finishes, 付款码 timers and ticket pushes still pending go on. `mark` pairs a simulator time with
 * the wall time it was read at, so a restart can tell how much simulator time passed while it was down.
 */
export class ScheduledWork {
  readonly tasks = new Map<number, ScheduledTask>();
  readonly mark = { sim: 0, wall: 0 };
  next = 1;
}

/** A handler of one kind of scheduled work. */
export type TaskHandler = (args: never) => Promise<void> | void;

/**
 * The simulator's timeline for everything WeChat Pay does "later": notification retries, delayed
 * (out-of-order) deliveries, auto-finished refunds, audits. It runs `speed` times faster than the wall
 * clock on real timers, or only when told (`advance`/`flushDue`) in manual mode, so tests never wait.
 * Wall-clock facts (signature timestamps, success_time, time_expire) use the wall clock, not this.
 * Work is named (`schedule(kind, delay, args)`, handlers registered with `handle`), never a closure,
 * so that it is state and survives a restart (`restored()`).
 */
export class SimScheduler {
  private readonly handlers = new Map<string, TaskHandler>();
  private readonly inFlight = new Set<Promise<void>>();
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
    private readonly work = new ScheduledWork(),
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

  /** Registers the handler of `kind` (before any task of that kind runs, and before a restart's tasks resume). */
  handle<A>(kind: string, run: (args: A) => Promise<void> | void): void {
    this.handlers.set(kind, run as TaskHandler);
  }

  /** Runs handler `kind` with `args` once `delayMs` of simulator time has passed; returns the task id (for cancel). */
  schedule(kind: string, delayMs: number, args: unknown = {}): number {
    if (!this.handlers.has(kind)) throw new Error(`no handler for scheduled work of kind ${kind}`);
    const now = this.remark();
    const task: ScheduledTask = { id: this.work.next++, kind, at: now + Math.max(0, delayMs), args };
    this.work.tasks.set(task.id, task);
    this.arm();
    return task.id;
  }

  /** Cancels a task that has not run yet (unknown ids are ignored). */
  cancel(id: number | undefined): void {
    if (id !== undefined && this.work.tasks.delete(id)) this.arm();
  }

  /**
   * After the state (with its tasks) was restored: the simulator time that passed while the process was
   * down is what the wall clock says at `speed` (none in manual mode); each task keeps the time it had
   * left then, so work that fell due meanwhile runs at once, in order.
   */
  restored(): void {
    const { sim, wall } = this.work.mark;
    const then = this.manual ? sim : sim + Math.max(0, this.wall.now() - wall) * this.speed;
    const now = this.remark();
    for (const t of this.work.tasks.values()) t.at = now + (t.at - then);
    this.arm();
  }

  /** Moves simulator time forward by `ms` (a shared ManualClock moves with it) and runs what became due. */
  async advance(ms: number): Promise<void> {
    if (this.manual && isManual(this.wall)) this.wall.advance(ms);
    else this.offset += ms;
    this.remark();
    await this.flushDue();
  }

  /** Runs every task due by now (and any they schedule that are already due) and waits for work in flight. */
  async flushDue(): Promise<void> {
    // Due tasks run concurrently, as WeChat Pay's deliveries to different URLs do; loop for tasks they schedule.
    for (;;) {
      const due = this.stopped ? [] : this.due();
      if (!due.length) break;
      for (const t of due) {
        this.work.tasks.delete(t.id);
        const run = this.handlers.get(t.kind);
        if (run) void this.track(() => run(t.args as never));
      }
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
    return this.work.tasks.size;
  }

  /** The pending tasks, soonest first (kind, simulator time due, id). */
  list(): Array<{ id: number; kind: string; at: number }> {
    return this.sorted().map(({ id, kind, at }) => ({ id, kind, at }));
  }

  /** Drops pending tasks (reset); the timeline keeps running. */
  cancelAll(): void {
    this.work.tasks.clear();
    this.arm();
  }

  /** Stops the timers (pending tasks stay in the state: a restart resumes them). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.remark();
  }

  /** Records the simulator time and the wall time together (for restored()); answers the simulator time. */
  private remark(): number {
    const now = this.now();
    this.work.mark.sim = now;
    this.work.mark.wall = this.wall.now();
    return now;
  }

  private sorted(): ScheduledTask[] {
    return [...this.work.tasks.values()].sort((a, b) => a.at - b.at || a.id - b.id);
  }

  private due(): ScheduledTask[] {
    const now = this.now();
    return this.sorted().filter((t) => t.at <= now);
  }

  private arm(): void {
    if (this.manual || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let next: number | undefined;
    for (const t of this.work.tasks.values()) if (next === undefined || t.at < next) next = t.at;
    if (next === undefined) return;
    const realDelay = Math.max(0, (next - this.now()) / this.speed);
    // Timers are capped so a long wait re-checks (the clock may have been advanced meanwhile).
    this.timer = setTimeout(() => void this.flushDue(), Math.min(realDelay + 1, 60_000));
    this.timer.unref();
  }
}
