import type { KeyValueStore, LockService, RateLimiter, RateLimitResult } from './kv';
import { MemoryKeyValueStore, MemoryLockService, MemoryRateLimiter } from './memory';
import { RedisAwayError, type RedisLink, type RedisUse } from './redis-link';

/**
 * Redis saves work, it never decides: while the link says Redis is away, each shared structure falls
 * back to its in-process stand-in, so payments keep working. What that costs is stated where it is
 * used: rate limits count per process (approximate: N nodes allow up to N times the limit), locks
 * serialise one process only (the database's unique keys and guarded UPDATEs settle races between
 * nodes), the replay cache remembers per process (the notification log and guarded state change make
 * a duplicate a no-op). When Redis is back every call goes to it again.
 */
async function either<S, T>(link: RedisLink, use: RedisUse, shared: S, local: S, fn: (s: S) => Promise<T>): Promise<T> {
  if (link.state === 'up') {
    try {
      return await fn(shared);
    } catch (err) {
      if (!(err instanceof RedisAwayError)) throw err;
    }
  }
  link.fellBack(use);
  return fn(local);
}

/** KeyValueStore in Redis, in process memory while Redis is away. */
export class DegradableKeyValueStore implements KeyValueStore {
  private readonly local = new MemoryKeyValueStore();
  constructor(
    private readonly link: RedisLink,
    private readonly shared: KeyValueStore,
  ) {}
  get(key: string): Promise<string | undefined> {
    return either(this.link, 'kv', this.shared, this.local, (s) => s.get(key));
  }
  set(key: string, value: string, ttlMs: number): Promise<void> {
    return either(this.link, 'kv', this.shared, this.local, (s) => s.set(key, value, ttlMs));
  }
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return either(this.link, 'kv', this.shared, this.local, (s) => s.setIfAbsent(key, value, ttlMs));
  }
  del(key: string): Promise<void> {
    return either(this.link, 'kv', this.shared, this.local, (s) => s.del(key));
  }
  /** Reaches Redis itself (readiness asks the link, not this). */
  ping(): Promise<void> {
    return this.shared.ping();
  }
}

/** LockService in Redis (every process), in process while Redis is away (this process only). */
export class DegradableLockService implements LockService {
  private readonly local = new MemoryLockService();
  constructor(
    private readonly link: RedisLink,
    private readonly shared: LockService,
  ) {}

  async withLock<T>(key: string, fn: () => Promise<T>, opts?: { ttlMs?: number; waitMs?: number }): Promise<T> {
    if (this.link.state === 'up') {
      let entered = false;
      try {
        return await this.shared.withLock(
          key,
          () => {
            entered = true;
            return fn();
          },
          opts,
        );
      } catch (err) {
        // Only a failure to take the lock falls back; once `fn` ran, its outcome is the answer.
        if (entered || !(err instanceof RedisAwayError)) throw err;
      }
    }
    this.link.fellBack('lock');
    return this.local.withLock(key, fn, opts);
  }
}

/** RateLimiter in Redis (exact for the cluster), per process while Redis is away (approximate). */
export class DegradableRateLimiter implements RateLimiter {
  private readonly local = new MemoryRateLimiter();
  constructor(
    private readonly link: RedisLink,
    private readonly shared: RateLimiter,
  ) {}
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return either(this.link, 'rate_limit', this.shared, this.local, (s) => s.hit(key, limit, windowMs));
  }
}
