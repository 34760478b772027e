import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody } from '../../support/payments';
import { TOKENS } from '../../../src/platform/tokens';
import { AppError } from '../../../src/platform/errors/errors';
import type { IdempotencyService } from '../../../src/platform/idempotency/idempotency.service';
import { newId } from '../../../src/platform/ids';

// Issue 30 item 12: an Idempotency-Key keeps only final answers (2xx and definite 4xx), never a
// temporary refusal (409 timing conflicts, 429, 5xx); a replayed refusal says it is a replay.
let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test('When the first try under a key is a 409 timing conflict, 429 or 5xx, then the retry under the same key runs again', async () => {
  const idem = t.app.container.resolve<IdempotencyService>(TOKENS.Idempotency);
  const tenantId = newId('ten');
  for (const refusal of [
    new AppError('ORDER_NOT_SPLITTABLE', 'WeChat Pay allows a split one minute after payment', { reason: 'too_soon' }),
    new AppError('CONFLICT', 'another request is changing this order'),
    AppError.rateLimited(1, 'too many'),
    new AppError('SERVICE_UNAVAILABLE', 'the database is unavailable'),
    new AppError('UPSTREAM_TIMEOUT', 'WeChat Pay did not answer'),
  ]) {
    const key = newId('key');
    await assert.rejects(
      idem.run(tenantId, key, 'h', async () => {
        throw refusal;
      }),
      (e: AppError) => e.code === refusal.code,
    );
    const retry = await idem.run(tenantId, key, 'h', async () => ({ status: 201, body: { ok: true } }));
    assert.deepEqual([retry.status, retry.replayed], [201, false], `${refusal.code} was not kept as the key's answer`);
    const again = await idem.run(tenantId, key, 'h', async () => assert.fail('a final answer is replayed, not run again'));
    assert.deepEqual([again.status, again.replayed, again.body], [201, true, { ok: true }]);
  }
});

test('When a definite 4xx is replayed under its key, then it carries Idempotent-Replayed: true', async () => {
  const tenant = await givenWechatTenant(t, await givenWechatProvider(t, rsaPems()));
  const body = orderBody(tenant, { appid: 'wx1234567890abcdef' });
  const answers = [];
  for (let i = 0; i < 2; i++)
    answers.push(
      await request(t.http)
        .post('/v1/orders')
        .set(...tenant.auth)
        .set('Idempotency-Key', `k-${body.out_trade_no}`)
        .send(body),
    );
  assert.deepEqual(
    answers.map((r) => [r.status, r.body.code, r.headers['idempotent-replayed']]),
    [
      [422, 'APPID_MCHID_NOT_MATCH', undefined],
      [422, 'APPID_MCHID_NOT_MATCH', 'true'],
    ],
  );
});
