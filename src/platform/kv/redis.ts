import { createHash, randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { LockTimeoutError, type KeyValueStore, type LockService, type RateLimiter, type RateLimitResult } from './kv';
import type { RedisLink } from './redis-link';

export type RedisClient = ReturnType<typeof createClient>;

/** Redis did not answer at start-up within the deadline. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * Connects a node-redis client; commands fail fast instead of queueing while Redis is down. At
 * start-up the first connection must succeed within `startTimeoutMs`, else RedisUnavailableError
 * names the address and the last error (the client would otherwise retry silently forever).
 */
export async function connectRedis(url: string, startTimeoutMs = 5000): Promise<RedisClient> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: Math.min(3000, startTimeoutMs), reconnectStrategy: (retries) => Math.min(retries * 200, 2000) },
  });
  let lastError: unknown;
  // Without a listener node-redis would throw on every reconnect attempt; readiness reports the outage.
  client.on('error', (err) => (lastError = err));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const u = new URL(url);
      const why = lastError instanceof Error ? lastError.message : 'no answer';
      reject(new RedisUnavailableError(`Redis at ${u.hostname}:${u.port || 6379} is unreachable after ${startTimeoutMs} ms (${why})`));
    }, startTimeoutMs);
  });
  try {
    await Promise.race([client.connect(), deadline]);
    return client;
  } catch (err) {
    client.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Key-value store in Redis; every command through the link (bounded, RedisAwayError when away). */
export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
  ) {}
  async get(key: string): Promise<string | undefined> {
    return (await this.link.run((r) => r.get(this.prefix + key))) ?? undefined;
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.link.run((r) => r.set(this.prefix + key, value, { PX: ttlMs }));
  }
  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.link.run((r) => r.set(this.prefix + key, value, { PX: ttlMs, NX: true }))) === 'OK';
  }
  async del(key: string): Promise<void> {
    await this.link.run((r) => r.del(this.prefix + key));
  }
  async ping(): Promise<void> {
    await this.link.run((r) => r.ping());
  }
}

// Deletes the lock only if we still own it, so a lock that expired and was taken by another process is left alone.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the lock only while it is still ours. */
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/** Redis lock (SET NX PX + owner token); waiters poll with a short backoff. */
export class RedisLockService implements LockService {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
  ) {}

  async withLock<T>(key: string, fn: () => Promise<T>, opts: { ttlMs?: number; waitMs?: number } = {}): Promise<T> {
    const ttlMs = opts.ttlMs ?? 30_000;
    const deadline = Date.now() + (opts.waitMs ?? 10_000);
    const token = randomBytes(12).toString('hex');
    const k = `${this.prefix}lock:${key}`;
    let delay = 5;
    while ((await this.link.run((r) => r.set(k, token, { PX: ttlMs, NX: true }))) !== 'OK') {
      if (Date.now() >= deadline) throw new LockTimeoutError(key);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 100);
    }
    // Renewed while fn runs, so the TTL can be short: a holder killed with -9 blocks others for ttlMs at most.
    const renew = setInterval(
      () => void this.link.run((r) => r.eval(RENEW, { keys: [k], arguments: [token, String(ttlMs)] })).catch(() => undefined),
      Math.max(50, Math.floor(ttlMs / 3)),
    );
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.link.run((r) => r.eval(RELEASE, { keys: [k], arguments: [token] })).catch(() => undefined);
    }
  }
}

// One hit of a fixed window: INCR, the window's expiry set with its first hit (or restored if ever missing),
// and the time left. A script runs atomically, so no counter is ever left without an expiry.
const HIT = `local c = redis.call('incr', KEYS[1])
local t = redis.call('pttl', KEYS[1])
if t < 0 then redis.call('pexpire', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`;
const HIT_SHA = createHash('sha1').update(HIT).digest('hex');

/**
 * Redis fixed-window rate limiter: one EVALSHA per hit (one command to encode and parse, where a
 * MULTI of SET NX + INCR + PTTL + EXEC was five); EVAL once when Redis does not know the script yet.
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const k = `${this.prefix}rl:${key}`;
    const opts = { keys: [k], arguments: [String(windowMs)] };
    const [count, ttl] = (await this.link.run((r) =>
      r.evalSha(HIT_SHA, opts).catch((err: unknown) => {
        if (err instanceof Error && err.message.startsWith('NOSCRIPT')) return r.eval(HIT, opts);
        throw err;
      }),
    )) as [number, number];
    const retryAfterMs = count <= limit ? 0 : ttl > 0 ? ttl : windowMs;
    return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfterMs };
  }
}
