import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant } from '../../support/payments';
import { orderAwaitingBuyer } from './support';

// Issue 30 item 3: someone who knows only an order id must not be able to lock its buyer out.
let t: TestApp;
before(async () => {
  t = await startTestApp({ checkout: { perAddressPerMinute: 1000, perOrderPerMinute: 5, wrongSecretsPerAddressPerMinute: 10 } });
});
after(() => t.close());

test("When 30 wrong-secret calls name an order, then they get 404 then 429, and the real buyer's call still answers 200", async () => {
  const tenant = await givenWechatTenant(t, await givenWechatProvider(t, rsaPems()));
  const order = await orderAwaitingBuyer(t, tenant);
  const wrong = `${order.id}_secret_${'A'.repeat(32)}`;
  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) {
    const r = await request(t.http).get(`/mp/v1/orders/${order.id}`).query({ client_secret: wrong });
    statuses.push(r.status);
    if (r.status === 429) assert.match(r.body.message, /wrong client_secret/);
  }
  assert.deepEqual(statuses, [...Array(10).fill(404), ...Array(20).fill(429)], 'wrong secrets are throttled per address');
  const buyer = await request(t.http).get(`/mp/v1/orders/${order.id}`).query({ client_secret: order.client_secret });
  assert.equal(buyer.status, 200, 'the wrong secrets did not spend the order budget');
  // The order's own budget still limits calls that know its secret.
  const more: number[] = [];
  for (let i = 0; i < 5; i++)
    more.push((await request(t.http).get(`/mp/v1/orders/${order.id}`).query({ client_secret: order.client_secret })).status);
  assert.deepEqual(more, [200, 200, 200, 200, 429]);
});
