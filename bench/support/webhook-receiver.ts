import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Deliveries a receiver has seen: distinct event ids, and POSTs in all (redeliveries included). */
export interface Received {
  distinct: number;
  posts: number;
}

/** A tenant webhook endpoint in its own process (./webhook-receiver-child.js), for the production profile's event delivery. */
export class WebhookReceiver {
  private constructor(
    private readonly child: ChildProcess,
    /** `http://127.0.0.1:<port>/hook`, to set as every bench tenant's webhook_url. */
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const child = fork(join(__dirname, 'webhook-receiver-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`webhook receiver exited (${code}) before listening`)));
    });
    return new WebhookReceiver(child, `http://127.0.0.1:${port}/hook`);
  }

  /** The receiver's pid (to read its CPU time). */
  get pid(): number {
    return this.child.pid!;
  }

  /** What it has received so far. */
  count(): Promise<Received> {
    return new Promise((resolve) => {
      const on = (m: { type: string } & Received) => {
        if (m.type !== 'count') return;
        this.child.off('message', on);
        resolve({ distinct: m.distinct, posts: m.posts });
      };
      this.child.on('message', on);
      this.child.send({ type: 'count' });
    });
  }

  /** Waits (polling every 100 ms, at most `timeoutMs`) until `distinct` events have arrived; answers what had. */
  async waitFor(distinct: number, timeoutMs: number): Promise<Received & { waitedMs: number }> {
    const start = Date.now();
    for (;;) {
      const r = await this.count();
      if (r.distinct >= distinct || Date.now() - start > timeoutMs) return { ...r, waitedMs: Date.now() - start };
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'exit' });
    await exited;
  }
}
