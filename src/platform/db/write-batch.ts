/**
 * Write batching for hot paths, the twin of ReadBatch: writes that arrive in the same event-loop turn
 * share ONE statement (one commit), and each caller's promise settles when that statement did, so a
 * caller answers only after its write is durable, as before. If the shared write fails, each item
 * is written alone, so one item never fails another.
 */
export class WriteBatch<I> {
  private queue: Array<{ item: I; resolve: () => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly write: (items: I[]) => Promise<void>,
    private readonly maxBatch = 64,
  ) {}

  /** Writes `item` with the others added in this turn; resolves once it is written. */
  add(item: I): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length) void this.run(this.queue.splice(0, this.maxBatch));
  }

  private async run(batch: WriteBatch<I>['queue']): Promise<void> {
    try {
      await this.write(batch.map((b) => b.item));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      for (const b of batch) this.write([b.item]).then(b.resolve, b.reject);
      return;
    }
    for (const b of batch) b.resolve();
  }
}
