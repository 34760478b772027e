import type { Request, Response } from 'express';
import { AppError } from '../errors/errors';
import type { IdempotencyService, StoredAnswer } from './idempotency.service';
import { requestHash } from './request-hash';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,64}$/;

/**
 * Runs a tenant's create request under its optional `Idempotency-Key` header: without one, `run`
 * just runs; with one, the first answer for (tenant, key) is replayed (`Idempotent-Replayed: true`)
 * and another request under the key is 409. Sets the status and returns the body for ApiRouter.
 */
export async function answerIdempotently<T = unknown>(
  idempotency: IdempotencyService,
  req: Request,
  res: Response,
  tenantId: string,
  body: unknown,
  run: () => Promise<{ status: number; body: T }>,
): Promise<T> {
  const key = req.get('Idempotency-Key');
  let answer: StoredAnswer;
  if (key === undefined) answer = await run();
  else {
    if (!IDEMPOTENCY_KEY.test(key))
      throw AppError.invalid([{ field: 'Idempotency-Key', issue: 'must be 1-64 printable ASCII characters' }]);
    const replay = await idempotency.run(
      tenantId,
      key,
      requestHash(`${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`, body),
      run,
    );
    if (replay.replayed) res.setHeader('Idempotent-Replayed', 'true');
    answer = replay;
  }
  res.status(answer.status);
  // A replay is the stored JSON of an earlier `run()` answer of this same route, so it has T's shape.
  return answer.body as T;
}
