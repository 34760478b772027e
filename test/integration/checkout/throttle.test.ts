import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';

let t: TestApp;
before(async () => {
  t = await startTestApp({ checkout: { perAddressPerMinute: 3, perOrderPerMinute: 100 } });
});
after(() => t.close());

test('When one address calls /mp/v1 too often, then 429 with Retry-After, whatever the orders', async () => {
  const statuses: number[] = [];
  let retryAfter: string | undefined;
  for (let i = 0; i < 4; i++) {
    const id = `ord_${String(i).repeat(22)}`;
    const r = await request(t.http)
      .get(`/mp/v1/orders/${id}`)
      .query({ client_secret: `${id}_secret_${'x'.repeat(32)}` });
    statuses.push(r.status);
    retryAfter ??= r.headers['retry-after'];
  }
  assert.deepEqual(statuses, [404, 404, 404, 429]);
  assert.ok(Number(retryAfter) >= 1);
});
