import type { Em } from './orm';

interface Member {
  fn: (em: Em) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: units of work that arrive while the event loop is busy run together in ONE
 * database transaction (one commit, one fsync, one round of BEGIN/COMMIT), one after another on
 * its connection. Each caller is answered only after its group commits. If anything in a group
 * fails, the group rolls back and every member runs again alone in its own transaction, so one
 * member's failure never reaches another's answer. Members must be safe to run twice (guarded
 * UPDATEs are: the rolled-back attempt left nothing).
 */
export class GroupCommit {
  private queue: Member[] = [];
  private scheduled = false;

  constructor(
    private readonly tx: <T>(fn: (em: Em) => Promise<T>) => Promise<T>,
    private readonly maxGroup = 64,
  ) {}

  /** Runs `fn` in a transaction shared with the other units of work queued in the same tick. */
  run<T>(fn: (em: Em) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length) void this.commit(this.queue.splice(0, this.maxGroup));
  }

  private async commit(group: Member[]): Promise<void> {
    if (group.length === 1) return this.alone(group[0]);
    let results: unknown[];
    try {
      results = await this.tx(async (em) => {
        const out: unknown[] = [];
        for (const m of group) out.push(await m.fn(em));
        return out;
      });
    } catch {
      // Someone in the group failed (or the commit did): nobody's work is durable. Each runs alone.
      await Promise.all(group.map((m) => this.alone(m)));
      return;
    }
    group.forEach((m, i) => m.resolve(results[i]));
  }

  private async alone(m: Member): Promise<void> {
    try {
      m.resolve(await this.tx(m.fn));
    } catch (err) {
      m.reject(err);
    }
  }
}
