import { AppError, type ErrorCode } from '../errors/errors';
import type { Clock } from '../clock';
import type { LockService } from '../kv/kv';
import type { IdempotencyRepository } from './idempotency.repository';

/** An answer to replay: HTTP status and JSON body. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/**
 * Answers worth replaying: final ones, successes and definite refusals (Stripe's rule). Never a
 * temporary refusal: a 409 (a timing conflict such as a split asked for too soon, or a concurrent
 * change; a definite 409 such as OUT_TRADE_NO_USED answers the same when run again anyway), a 429,
 * or our or WeChat Pay's fault (5xx).
 */
function replayable(status: number): boolean {
  return status < 500 && status !== 429 && status !== 409;
}

/**
 * Idempotency-Key handling (Stripe's semantics): the first answer for (tenant, key) is kept for
 * 24 h and replayed for the same request; another request under the same key is 409
 * IDEMPOTENCY_CONFLICT. Concurrent requests with one key are serialised by a lock (Redis when
 * configured), so only the first runs `fn`; the others replay its answer.
 */
export class IdempotencyService {
  constructor(
    private readonly repo: IdempotencyRepository,
    private readonly locks: LockService,
    private readonly clock: Clock,
  ) {}

  /** Runs `fn` once per (tenant, key, request); returns its answer or the stored one (`replayed`). */
  async run(tenantId: string, key: string, hash: string, fn: () => Promise<StoredAnswer>): Promise<StoredAnswer & { replayed: boolean }> {
    return this.locks.withLock(
      `idem:${tenantId}:${key}`,
      async () => {
        const now = this.clock.now();
        const existing = await this.repo.findLive(tenantId, key, now);
        if (existing) {
          if (existing.requestHash !== hash)
            throw new AppError(
              'IDEMPOTENCY_CONFLICT',
              'this Idempotency-Key was already used with a different request; use a new key for a new request',
              { idempotency_key: key },
            );
          const stored = JSON.parse(existing.responseBody) as {
            error?: { code: ErrorCode; message: string; detail?: Record<string, unknown> };
            body?: unknown;
          };
          // A refusal is replayed as the same refusal.
          if (stored.error)
            throw new AppError(stored.error.code, stored.error.message, stored.error.detail, {
              headers: { 'Idempotent-Replayed': 'true' },
            });
          return { status: existing.status, body: stored.body, replayed: true };
        }
        let answer: StoredAnswer;
        try {
          answer = await fn();
        } catch (err) {
          if (err instanceof AppError && replayable(err.status))
            await this.store(tenantId, key, hash, err.status, { error: { code: err.code, message: err.message, detail: err.detail } }, now);
          throw err;
        }
        if (replayable(answer.status)) await this.store(tenantId, key, hash, answer.status, { body: answer.body }, now);
        return { ...answer, replayed: false };
      },
      { ttlMs: 60_000, waitMs: 60_000 },
    );
  }

  private async store(tenantId: string, key: string, hash: string, status: number, stored: unknown, now: number): Promise<void> {
    await this.repo.replace({
      tenantId,
      idemKey: key,
      requestHash: hash,
      status,
      responseBody: JSON.stringify(stored),
      createdAt: now,
      expiresAt: now + IDEMPOTENCY_TTL_MS,
    });
  }

  /** Deletes expired keys (run by a job). */
  async purgeExpired(): Promise<number> {
    return this.repo.purgeExpired(this.clock.now());
  }
}
