import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientClosedError, ClientOfflineError } from 'redis';
import { toAppError } from '../../../src/platform/http/error-middleware';
import { AuthFailureLimiter } from '../../../src/platform/http/auth-failures';
import { AppError } from '../../../src/platform/errors/errors';

// Found by the resilience suite: with the database or Redis gone, requests answered 500 INTERNAL_ERROR.
test('When the database or Redis connection is refused or dropped, then 503 SERVICE_UNAVAILABLE (retryable), not 500', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
  const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' });
  const wrapped = new Error('select failed', { cause: refused });
  for (const [err, what] of [
    [refused, 'database'],
    [lost, 'database'],
    [wrapped, 'database'],
    [new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), 'database'],
    [new ClientOfflineError(), 'Redis'],
    [new ClientClosedError(), 'Redis'],
  ] as const) {
    const e = toAppError(err);
    assert.equal(e.status, 503, String(err));
    assert.equal(e.code, 'SERVICE_UNAVAILABLE');
    assert.equal(e.message, `the ${what} is unreachable`);
  }
  assert.equal(toAppError(new Error('boom')).status, 500);
});

test('When Redis is down, then a failed authentication is answered 401 as usual (counting pauses), not 503', async () => {
  const limiter = new AuthFailureLimiter(
    {
      hit: async () => {
        throw new ClientOfflineError();
      },
    },
    20,
  );
  const unauthenticated = new AppError('UNAUTHENTICATED', 'bad key');
  assert.equal(await limiter.failure('127.0.0.1', 'sk_wrong', unauthenticated), unauthenticated);
  await assert.rejects(
    new AuthFailureLimiter({ hit: async () => Promise.reject(new Error('boom')) }, 20).failure('127.0.0.1', 'x', unauthenticated),
    /boom/,
  );
});
