import { LockTimeoutError, type KeyValueStore, type LockService, type RateLimiter, type RateLimitResult } from './kv';

/** In-process key-value store with TTLs (single process only). */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly map = new Map<string, { value: string; expiresAt: number }>();
  private sweepAt = 0;

  async get(key: string): Promise<string | undefined> {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e.value;
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.sweep();
    this.map.set(key, { value, expiresAt: Date.now() + ttlMs });
  }
  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if ((await this.get(key)) !== undefined) return false;
    await this.set(key, value, ttlMs);
    return true;
  }
  async del(key: string): Promise<void> {
    this.map.delete(key);
  }
  async ping(): Promise<void> {}

  // Expired entries are dropped lazily, plus a full sweep at most once a minute so the map cannot grow without bound.
  private sweep(): void {
    const now = Date.now();
    if (now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    for (const [k, e] of this.map) if (e.expiresAt <= now) this.map.delete(k);
  }
}

/** In-process mutex per key: callers queue in order. */
export class MemoryLockService implements LockService {
  private readonly tails = new Map<string, Promise<void>>();

  async withLock<T>(key: string, fn: () => Promise<T>, opts: { waitMs?: number } = {}): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await withTimeout(previous, opts.waitMs ?? 10_000, key);
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

async function withTimeout(p: Promise<void>, ms: number, key: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new LockTimeoutError(key)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** In-process fixed-window rate limiter. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 10_000) for (const [k, v] of this.windows) if (v.resetAt <= now) this.windows.delete(k);
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= limit, remaining: Math.max(0, limit - w.count), retryAfterMs: w.count <= limit ? 0 : w.resetAt - now };
  }
}
