import type { RawDb } from './raw-db';

/** Polls the outbox (every 50 ms, at most `timeoutMs`) until no event is pending or being delivered. */
export function outboxDrain(raw: RawDb, timeoutMs: number): () => Promise<void> {
  return async () => {
    const start = Date.now();
    for (;;) {
      const [r] = await raw.all<{ c: number }>("select count(*) as c from event where status in ('pending', 'delivering')");
      if (Number(r.c) === 0) return;
      if (Date.now() - start > timeoutMs) throw new Error(`${r.c} events still undelivered after ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
}
