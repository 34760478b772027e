import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { ManualClock, rfc3339 } from '../../../src/platform/clock';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';
import { reader, rows } from '../../../src/platform/db/sql';
import type { Config } from '../../../src/platform/config/schema';
import type { Logger } from '../../../src/platform/logging/logger';
import { OrderService } from '../../../src/modules/payments/order.service';
import { orderReconcilerJob } from '../../../src/modules/payments/order.jobs';
import { OrderRepository } from '../../../src/modules/payments/order.repository';
import { ProviderCredentials } from '../../../src/modules/tenancy';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider } from '../../support/payments';

let t: TestApp;
let provider: Provider;
const clock = new ManualClock();

// A database of its own: any other file's app whose clock runs days ahead (the 付款码 tests) would
// otherwise find this file's orders due and reconcile them first.
let db: Awaited<ReturnType<typeof isolatedDatabase>> | undefined;
before(async () => {
  t = await startTestApp(
    { db: { url: (db = await isolatedDatabase()).url }, wxpay: { requestTimeoutMs: 2500, retryBudgetMs: 3000, maxAttempts: 1 } },
    { clock },
  );
  provider = await givenWechatProvider(t, rsaPems());
});
after(async () => {
  await t.close();
  await db?.drop();
});

/** One run of the reconciler, as the job runner would do it. */
function reconcile(): Promise<void> {
  const c = t.app.container;
  return orderReconcilerJob(
    c.resolve(OrderRepository),
    c.resolve(OrderService),
    c.resolve(ProviderCredentials),
    c.resolve<Config>(TOKENS.Config),
    clock,
    c.resolve<Logger>(TOKENS.Logger),
  ).run();
}

async function eventsOf(tenantId: string, type: string): Promise<number> {
  const r = await rows<{ n: unknown }>(
    reader(t.app.container.resolve<Orm>(TOKENS.Orm)),
    'select count(*) as n from event where tenant_id = ? and type = ?',
    [tenantId, type],
  );
  return Number(r[0].n);
}

test('When a payment notification never arrives, then the reconciler finds the payment by query and the order is paid once', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  const created = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);
  // The notification is held back for an hour: only the query can tell us.
  simulatorOf(t).fault({ kind: 'delay_notifications', delay_ms: 3600_000, count: 1 });
  await simulatorOf(t).pay({ prepay_id: created.body.order.prepay_id });
  assert.equal(
    (
      await request(t.http)
        .get(`/v1/orders/${body.out_trade_no}`)
        .set(...tenant.auth)
    ).body.order.trade_state,
    'NOTPAY',
  );

  await reconcile();
  assert.equal(
    (
      await request(t.http)
        .get(`/v1/orders/${body.out_trade_no}`)
        .set(...tenant.auth)
    ).body.order.trade_state,
    'NOTPAY',
    'too early: orders get a few quiet minutes first',
  );

  clock.advance(t.config.orders.reconcileAfterSeconds * 1000 + 1000);
  await reconcile();
  const read = await request(t.http)
    .get(`/v1/orders/${body.out_trade_no}`)
    .set(...tenant.auth);
  assert.equal(read.body.order.trade_state, 'SUCCESS');
  assert.match(read.body.order.transaction_id, /^\d+$/);
  await reconcile();
  assert.equal(await eventsOf(tenant.id, 'order.paid'), 1);
});

test('When an unpaid order passes its time_expire, then it is closed automatically, here and at WeChat Pay, and never closed upstream before 5 minutes of age', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant, { time_expire: rfc3339(clock.now() + 120_000) });
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);

  const closeCalls = () =>
    simulatorOf(t)
      .calls()
      .filter((c) => c.path === `/v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}/close`).length;
  clock.advance(180_000); // expired, but younger than 5 minutes: WeChat Pay asks us not to close yet
  await reconcile();
  assert.equal(closeCalls(), 0);

  clock.advance(180_000);
  await reconcile();
  const read = await request(t.http)
    .get(`/v1/orders/${body.out_trade_no}`)
    .set(...tenant.auth);
  assert.equal(read.body.order.trade_state, 'CLOSED');
  assert.equal(simulatorOf(t).order({ sub_mchid: tenant.subMchid, out_trade_no: body.out_trade_no as string }).trade_state, 'CLOSED');
  await reconcile();
  assert.equal(await eventsOf(tenant.id, 'order.closed'), 1);
});

test('When WeChat Pay does not answer in time, then 504 UPSTREAM_TIMEOUT, the order is kept, and the same request later answers it', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  // WeChat Pay processes the order but the answer never reaches us.
  simulatorOf(t).fault({ kind: 'timeout', count: 1, hang_ms: 6000, path_prefix: '/v3/pay/partner/transactions/jsapi' });
  const timedOut = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(timedOut.status, 504, JSON.stringify(timedOut.body));
  assert.equal(timedOut.body.code, 'UPSTREAM_TIMEOUT');
  assert.equal(timedOut.body.detail.retryable, true);

  const retried = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(retried.status, 200);
  assert.match(retried.body.order.prepay_id, /^wx/);
  assert.equal(retried.body.payment.package, `prepay_id=${retried.body.order.prepay_id}`);
});

// Found by the resilience suite (two processes): both reconcilers queried and closed the same orders.
test('When two nodes run the reconciler at once, then each due order is queried and closed by one of them only', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);
  const sim = simulatorOf(t);
  clock.advance(Math.max(t.config.orders.reconcileAfterSeconds, t.config.orders.defaultExpireMinutes * 60) * 1000 + 60_000);
  sim.clearLogs();
  await Promise.all([reconcile(), reconcile()]);
  const calls = sim.calls().filter((c) => c.path.includes(`/out-trade-no/${body.out_trade_no}`));
  assert.equal(calls.filter((c) => c.method === 'GET').length, 1, 'one query');
  assert.ok(calls.filter((c) => c.path.endsWith('/close')).length <= 1, 'at most one close');
  assert.equal(await eventsOf(tenant.id, 'order.closed'), 1);
});
