/**
 * Small shared-state interfaces. With REDIS_URL they are backed by Redis (shared by every process);
 * without it, by in-process stand-ins. Correctness never rests on them alone: database constraints
 * and guarded UPDATEs are the last line, these only save work and smooth races.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only when absent; true when this call set it (SET NX). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  del(key: string): Promise<void>;
  ping(): Promise<void>;
}

export interface LockService {
  /** Runs `fn` while holding `key`; waits at most `waitMs` for it, then throws LockTimeoutError. */
  withLock<T>(key: string, fn: () => Promise<T>, opts?: { ttlMs?: number; waitMs?: number }): Promise<T>;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

export interface RateLimiter {
  /** Counts one hit of `key` in a fixed window of `windowMs`; allowed while the count is ≤ limit. */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
}

export class LockTimeoutError extends Error {
  constructor(key: string) {
    super(`timed out waiting for lock ${key}`);
    this.name = 'LockTimeoutError';
  }
}
