/**
 * Read batching for hot paths: lookups that arrive in the same event-loop turn share ONE SELECT
 * (`load` answers the rows of many keys, `match` picks each key's row). A statement costs more
 * than its rows, so concurrent notifications read their orders together, as they commit together
 * (GroupCommit). If the shared read fails, each key is read alone, so one key never fails another.
 */
export class ReadBatch<K, R> {
  private queue: Array<{ key: K; resolve: (r: R | undefined) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly load: (keys: K[]) => Promise<R[]>,
    private readonly match: (key: K, row: R) => boolean,
    private readonly maxBatch = 64,
  ) {}

  /** The row of `key` (or undefined), read with the other keys asked for in this turn. */
  get(key: K): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length) void this.read(this.queue.splice(0, this.maxBatch));
  }

  private async read(batch: ReadBatch<K, R>['queue']): Promise<void> {
    let rows: R[];
    try {
      rows = await this.load(batch.map((b) => b.key));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      for (const b of batch) this.load([b.key]).then((r) => b.resolve(r.find((x) => this.match(b.key, x))), b.reject);
      return;
    }
    for (const b of batch) b.resolve(rows.find((x) => this.match(b.key, x)));
  }
}
