import type { Logger } from '../logging/logger';

/** A background task run on an interval; runs never overlap. */
export interface Job {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

/** Runs registered jobs on their intervals until stopped; a failing run is logged and retried next tick. */
export class JobRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = true;

  constructor(
    private readonly jobs: Job[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    for (const job of this.jobs) this.schedule(job, Math.floor(Math.random() * job.intervalMs));
  }

  private schedule(job: Job, delay: number): void {
    if (this.stopped) return;
    const t = setTimeout(async () => {
      const p = job.run().catch((err) => this.logger.error({ err, job: job.name }, 'job failed'));
      this.running.add(p);
      await p;
      this.running.delete(p);
      this.schedule(job, job.intervalMs);
    }, delay);
    t.unref();
    this.timers.set(job.name, t);
  }

  /** Stops scheduling and waits for runs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    await Promise.allSettled([...this.running]);
  }
}
