import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems } from '../../support/tenancy';
import {
  givenWechatProvider,
  givenWechatTenant,
  orderBody,
  outTradeNo,
  simulatorOf,
  type Provider,
  type Tenant,
} from '../../support/payments';
import { eventRows, notificationLog } from '../../support/notifications';
import { sample, scrape } from '../../support/metrics';
import { RedisProxy } from '../../support/redis-proxy';
import { PrivateRedis, waitFor } from '../../resilience/support/processes';
import { RedisLink } from '../../../src/platform/kv/redis-link';

// Redis behind a proxy the tests break: the run's Redis (REDIS_URL) or, without one, a private redis-server.
let upstream: { url: string; close(): Promise<void> } | undefined;
let skip: string | false = false;
let proxy: RedisProxy;
let t: TestApp;
let provider: Provider;
let tenant: Tenant;

before(async () => {
  if (process.env.REDIS_URL) upstream = { url: process.env.REDIS_URL, close: async () => undefined };
  else {
    const r = await PrivateRedis.create();
    if (typeof r === 'string') skip = r;
    else upstream = r;
  }
  if (!upstream) return;
  proxy = await RedisProxy.start(upstream.url);
  t = await startTestApp({
    redis: { url: proxy.url, commandTimeoutMs: 300, probeIntervalMs: 100 },
    security: { authFailuresPerMinute: 3 },
  });
  provider = await givenWechatProvider(t, rsaPems());
  tenant = await givenWechatTenant(t, provider);
});
after(async () => {
  await t?.close();
  await proxy?.close();
  await upstream?.close();
});

const link = () => t.app.container.resolve(RedisLink);

async function createOrder(): Promise<{ outTradeNo: string; prepayId: string; ms: number }> {
  const body = orderBody(tenant);
  const started = Date.now();
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .timeout(20_000);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.ok(res.body.payment, 'payment parameters for the buyer');
  return { outTradeNo: body.out_trade_no as string, prepayId: res.body.order.prepay_id, ms: Date.now() - started };
}

/** The buyer pays; WeChat Pay notifies 5 copies at once; every copy must be acknowledged and the payment applied once. */
async function payAndCheckAppliedOnce(o: { outTradeNo: string; prepayId: string }): Promise<void> {
  const sim = simulatorOf(t);
  const before = (await eventRows(t, tenant.id, 'order.paid')).length;
  const seen = sim.deliveries().length;
  sim.fault({ kind: 'duplicate_notifications', times: 5 });
  await sim.pay({ prepay_id: o.prepayId });
  const copies = sim.deliveries().slice(seen);
  assert.equal(copies.length, 5, JSON.stringify(copies));
  assert.deepEqual([...new Set(copies.map((d) => d.status))], [200], 'every copy acknowledged');
  const read = await request(t.http)
    .get(`/v1/orders/${o.outTradeNo}`)
    .set(...tenant.auth);
  assert.equal(read.body.order.trade_state, 'SUCCESS');
  assert.equal((await eventRows(t, tenant.id, 'order.paid')).length, before + 1, 'applied once: one order.paid event');
  const applied = (await notificationLog(t, tenant.id)).filter((n) => n.outcome === 'applied');
  assert.equal(applied.length, before + 1);
}

async function readiness(): Promise<{ status: number; redis: string }> {
  const res = await request(t.http).get('/readyz');
  return { status: res.status, redis: res.body.checks?.redis ?? res.body.detail?.checks?.redis };
}

test('When Redis is killed (refused), then orders are created and paid, notifications acknowledged and applied once, /readyz stays 200 "degraded"; all shared again once it is back', async (c) => {
  if (skip) return c.skip(skip);
  await payAndCheckAppliedOnce(await createOrder());
  assert.deepEqual(await readiness(), { status: 200, redis: 'ok' });

  await proxy.kill();
  const o = await createOrder();
  assert.equal(link().state, 'away');
  await payAndCheckAppliedOnce(o);
  assert.deepEqual(await readiness(), { status: 200, redis: 'degraded' });
  const m = await scrape(t);
  assert.equal(sample(m, 'partnerpay_redis_up'), 0);
  assert.ok(sample(m, 'partnerpay_redis_fallbacks_total', { use: 'rate_limit' }) >= 1, 'the order-creation limit counted per process');
  assert.ok(sample(m, 'partnerpay_redis_fallbacks_total', { use: 'kv' }) >= 1, 'the replay cache per process');

  await proxy.restart();
  await waitFor('Redis back', async () => (await readiness()).redis === 'ok', 10_000, 100);
  assert.equal(link().state, 'up');
  assert.equal(sample(await scrape(t), 'partnerpay_redis_up'), 1);
  await payAndCheckAppliedOnce(await createOrder());
});

test('When Redis stalls (connections open, no answers), then each command gives up after the command timeout, Redis counts as away and orders are still created and paid', async (c) => {
  if (skip) return c.skip(skip);
  proxy.stall();
  try {
    const o = await createOrder();
    console.log(`# order created in ${o.ms} ms while Redis was stalled (command timeout 300 ms)`);
    assert.equal(link().state, 'away');
    await payAndCheckAppliedOnce(o);
    assert.deepEqual(await readiness(), { status: 200, redis: 'degraded' });
  } finally {
    proxy.resume();
  }
  await waitFor('Redis back', async () => (await readiness()).redis === 'ok', 10_000, 100);
  await payAndCheckAppliedOnce(await createOrder());
});

test('When Redis is away, then failed authentications are still counted (per process) and the limit answers 429; a valid key still passes', async (c) => {
  if (skip) return c.skip(skip);
  await proxy.kill();
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await request(t.http).get('/v1/orders/X1').set('Authorization', 'Bearer sk_live_wrong')).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const ok = await request(t.http)
      .get(`/v1/orders/${outTradeNo()}`)
      .set(...tenant.auth);
    assert.equal(ok.status, 404, 'a valid key is unaffected');
  } finally {
    await proxy.restart();
  }
  await waitFor('Redis back', async () => (await readiness()).redis === 'ok', 10_000, 100);
});
