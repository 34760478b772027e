import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, testDatabaseUrl, unique, type TestApp } from '../../support/app';
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
import { eventIdOf, eventRows, loggedFor, notificationLog, postNotification, wireNotification } from '../../support/notifications';
import { TOKENS } from '../../../src/platform/tokens';
import { dialectOf, type Orm } from '../../../src/platform/db/orm';
import { createJsapiOrder, type CredentialsProvider, type WxpayClient } from '@partnerpay/wxpay';

let t: TestApp;
let keys: { privateKey: string; publicKey: string };
let provider: Provider;

before(async () => {
  keys = rsaPems();
  t = await startTestApp();
  provider = await givenWechatProvider(t, keys);
});
after(() => t.close());

/** An order placed through the tenant API, with its prepay_id. */
async function placeOrder(
  app: TestApp,
  tenant: Tenant,
  over: Record<string, unknown> = {},
): Promise<{ outTradeNo: string; prepayId: string; id: string }> {
  const body = orderBody(tenant, over);
  const res = await request(app.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { outTradeNo: body.out_trade_no as string, prepayId: res.body.order.prepay_id, id: res.body.order.id };
}

async function readOrder(app: TestApp, tenant: Tenant, outNo: string): Promise<Record<string, unknown>> {
  const res = await request(app.http)
    .get(`/v1/orders/${outNo}`)
    .set(...tenant.auth);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.order;
}

/**
 * The buyer pays at WeChat Pay, but WeChat Pay's own notification is held back (a day of simulator
 * time), so the test decides what reaches partnerpay. Answers the transaction as WeChat Pay reports it.
 */
async function payQuietly(app: TestApp, prepayId: string): Promise<Record<string, unknown>> {
  const sim = simulatorOf(app);
  sim.fault({ kind: 'delay_notifications', delay_ms: 24 * 3_600_000, event_type: 'TRANSACTION.SUCCESS' });
  await sim.pay({ prepay_id: prepayId });
  return sim.order({ prepay_id: prepayId });
}

const deliveriesTo = (app: TestApp, tenantId: string) =>
  simulatorOf(app)
    .deliveries()
    .filter((d) => d.url.includes(`/notify/${tenantId}/`));

test('When WeChat Pay sends 20 concurrent copies of TRANSACTION.SUCCESS, then all are acknowledged, the order changes once and one order.paid event is recorded', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await placeOrder(t, tenant);
  simulatorOf(t).fault({ kind: 'duplicate_notifications', times: 20 });
  await simulatorOf(t).pay({ prepay_id: o.prepayId });

  const copies = deliveriesTo(t, tenant.id);
  assert.equal(copies.length, 20);
  assert.equal(new Set(copies.map((d) => d.event_id)).size, 1);
  assert.deepEqual([...new Set(copies.map((d) => d.status))], [200], 'every copy is acknowledged');
  const order = await readOrder(t, tenant, o.outTradeNo);
  assert.equal(order.trade_state, 'SUCCESS');
  assert.equal((await eventRows(t, tenant.id, 'order.paid')).length, 1, 'exactly one order.paid event');
  const log = await notificationLog(t, tenant.id);
  assert.equal(log.length, 20);
  assert.equal(log.filter((n) => n.outcome === 'applied').length, 1);
  assert.ok(
    log.every((n) => n.verification === 'ok' && ['applied', 'duplicate', 'replayed'].includes(n.outcome)),
    JSON.stringify(log.map((n) => n.outcome)),
  );

  // The same again, as 20 byte-identical requests racing through the real listener.
  const second = await placeOrder(t, tenant);
  const wire = wireNotification(t, provider, 'TRANSACTION.SUCCESS', await payQuietly(t, second.prepayId));
  const answers = await Promise.all(Array.from({ length: 20 }, () => postNotification(t, tenant.id, 'transactions', wire)));
  assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
  assert.equal((await readOrder(t, tenant, second.outTradeNo)).trade_state, 'SUCCESS');
  const paidEvents = await eventRows(t, tenant.id, 'order.paid');
  assert.equal(paidEvents.length, 2, 'one event per order');
  assert.equal(paidEvents.filter((e) => e.payload.includes(second.outTradeNo)).length, 1);
});

test('When a notification is refused (forged, stale, undecryptable, probe, mismatched), then 4xx {"code":"FAIL"}, the order is unchanged, and the log names the failed check', async () => {
  const a = await givenWechatTenant(t, provider);
  const b = await givenWechatTenant(t, provider);
  const otherProvider = await givenWechatProvider(t, keys);
  const c = await givenWechatTenant(t, otherProvider);
  const o = await placeOrder(t, a);
  const paid = await payQuietly(t, o.prepayId);
  const amount = paid.amount as Record<string, unknown>;

  const genuine = wireNotification(t, provider, 'TRANSACTION.SUCCESS', paid);
  const forgedBody = {
    ...genuine,
    body: genuine.body.replace(/"ciphertext":"[^"]*"/, `"ciphertext":"${JSON.parse(genuine.body).resource.ciphertext.slice(4)}"`),
  };
  const cases: Array<{
    name: string;
    tenant: Tenant;
    wire: ReturnType<typeof wireNotification>;
    status: number;
    check: string;
    verification: string;
  }> = [
    {
      name: 'no signature headers',
      tenant: a,
      wire: { headers: { 'Content-Type': 'application/json' }, body: wireNotification(t, provider, 'TRANSACTION.SUCCESS', paid).body },
      status: 401,
      check: 'signature',
      verification: 'missing_headers',
    },
    {
      name: 'tampered signature',
      tenant: a,
      wire: wireNotification(t, provider, 'TRANSACTION.SUCCESS', paid, { tamper: { badSignature: true } }),
      status: 401,
      check: 'signature',
      verification: 'bad_signature',
    },
    { name: 'body changed after signing', tenant: a, wire: forgedBody, status: 401, check: 'signature', verification: 'bad_signature' },
    {
      name: 'stale timestamp',
      tenant: a,
      wire: wireNotification(t, provider, 'TRANSACTION.SUCCESS', paid, { tamper: { skewSeconds: -301 } }),
      status: 401,
      check: 'signature',
      verification: 'stale_timestamp',
    },
    {
      name: 'SIGNTEST probe',
      tenant: a,
      wire: wireNotification(t, provider, 'TRANSACTION.SUCCESS', paid, { tamper: { signtest: true } }),
      status: 401,
      check: 'signature',
      verification: 'signtest_probe',
    },
    {
      name: 'wrong APIv3 key',
      tenant: a,
      wire: wireNotification(t, provider, 'TRANSACTION.SUCCESS', paid, { apiv3Key: randomBytes(16).toString('hex') }),
      status: 400,
      check: 'decryption',
      verification: 'undecryptable',
    },
    {
      name: 'amount mismatch',
      tenant: a,
      wire: wireNotification(t, provider, 'TRANSACTION.SUCCESS', { ...paid, amount: { ...amount, total: 1, payer_total: 1 } }),
      status: 400,
      check: 'amount',
      verification: 'ok',
    },
    {
      name: 'sub_mchid mismatch',
      tenant: a,
      wire: wireNotification(t, provider, 'TRANSACTION.SUCCESS', { ...paid, sub_mchid: b.subMchid }),
      status: 400,
      check: 'sub_mchid',
      verification: 'ok',
    },
    {
      name: 'sp_mchid mismatch',
      tenant: a,
      wire: wireNotification(t, provider, 'TRANSACTION.SUCCESS', { ...paid, sp_mchid: otherProvider.spMchid }),
      status: 400,
      check: 'sp_mchid',
      verification: 'ok',
    },
    {
      name: 'appid mismatch',
      tenant: a,
      wire: wireNotification(t, provider, 'TRANSACTION.SUCCESS', { ...paid, sub_appid: b.appid }),
      status: 400,
      check: 'appid',
      verification: 'ok',
    },
    {
      name: "tenant A's notification on tenant B's path (same provider)",
      tenant: b,
      wire: genuine,
      status: 400,
      check: 'sub_mchid',
      verification: 'ok',
    },
    {
      name: "tenant A's notification on tenant C's path (another provider)",
      tenant: c,
      wire: genuine,
      status: 400,
      check: 'decryption',
      verification: 'undecryptable',
    },
  ];
  for (const k of cases) {
    const res = await postNotification(t, k.tenant.id, 'transactions', k.wire);
    assert.equal(res.status, k.status, `${k.name}: ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, 'FAIL', k.name);
    assert.equal(typeof res.body.message, 'string', k.name);
    const [latest, ...more] = await loggedFor(t, k.tenant.id, eventIdOf(k.wire));
    assert.equal(more.length, 0, k.name);
    assert.equal(latest.outcome, 'refused', k.name);
    assert.equal(latest.detail?.check, k.check, `${k.name}: ${JSON.stringify(latest)}`);
    assert.equal(latest.verification, k.verification, k.name);
    const order = await readOrder(t, a, o.outTradeNo);
    assert.equal(order.trade_state, 'NOTPAY', `${k.name}: the order is unchanged`);
  }
  // What the payload claimed is kept for the security review.
  const [claimed] = (await notificationLog(t, b.id)).filter((n) => n.detail?.check === 'sub_mchid');
  assert.equal(claimed.detail?.claimed_sub_mchid, a.subMchid);

  // The simulator's own probe (WECHATPAY/SIGNTEST/...) is refused too.
  const probe = await simulatorOf(t).probe({ url: `${t.baseUrl}/notify/${a.id}/transactions`, sp_mchid: provider.spMchid });
  assert.ok(probe.status >= 400 && probe.status < 500, `probe answered ${probe.status}`);
  const [probed] = await loggedFor(t, a.id, probe.event_id);
  assert.equal(probed.outcome, 'refused');
  assert.equal(probed.verification, 'signtest_probe');
  assert.equal((await eventRows(t, a.id)).length, 0, 'no event for any refused notification');

  // The genuine notification is applied on A's path; replaying it on B's path afterwards is still refused.
  const ok = await postNotification(t, a.id, 'transactions', genuine);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal((await readOrder(t, a, o.outTradeNo)).trade_state, 'SUCCESS');
  const replayedElsewhere = await postNotification(t, b.id, 'transactions', genuine);
  assert.equal(replayedElsewhere.status, 400, JSON.stringify(replayedElsewhere.body));
  assert.equal(replayedElsewhere.body.code, 'FAIL');
  assert.deepEqual(
    (await loggedFor(t, b.id, eventIdOf(genuine))).map((n) => n.outcome),
    ['refused', 'refused'],
  );
  assert.equal((await eventRows(t, a.id, 'order.paid')).length, 1);
  assert.equal((await eventRows(t, b.id)).length, 0);
});

test('When a notification names an out_trade_no partnerpay does not know, then WeChat Pay is asked: unknown or unpaid there is refused, paid there is acknowledged without creating anything', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await placeOrder(t, tenant);
  const paid = await payQuietly(t, o.prepayId);

  // Nowhere at WeChat Pay.
  const ghost = outTradeNo('G');
  const ghostWire = wireNotification(t, provider, 'TRANSACTION.SUCCESS', { ...paid, out_trade_no: ghost });
  const forged = await postNotification(t, tenant.id, 'transactions', ghostWire);
  assert.equal(forged.status, 400);
  assert.equal(forged.body.code, 'FAIL');
  const [refused] = await loggedFor(t, tenant.id, eventIdOf(ghostWire));
  assert.equal(refused.outcome, 'refused');
  assert.equal(refused.detail?.check, 'out_trade_no');
  assert.equal(refused.detail?.out_trade_no, ghost);
  const queries = simulatorOf(t)
    .calls()
    .filter((c) => c.path.includes(`/out-trade-no/${ghost}`));
  assert.equal(queries.length, 1, 'WeChat Pay was asked');

  // Placed at WeChat Pay (by another system of the same provider) and paid there: acknowledged, logged as unmatched.
  const outside = outTradeNo('X');
  const sp = (await t.app.container.resolve<CredentialsProvider>(TOKENS.Credentials).get(provider.spMchid))!;
  const prepay = await createJsapiOrder(t.app.container.resolve<WxpayClient>(TOKENS.Wxpay), sp, {
    sp_appid: provider.spAppid,
    sp_mchid: provider.spMchid,
    sub_appid: tenant.appid,
    sub_mchid: tenant.subMchid,
    description: 'outside partnerpay',
    out_trade_no: outside,
    notify_url: `${t.config.server.publicBaseUrl}/notify/${tenant.id}/transactions`,
    amount: { total: 100, currency: 'CNY' },
    payer: { sub_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  });
  await simulatorOf(t).pay({ prepay_id: prepay.prepay_id });
  const [delivered] = deliveriesTo(t, tenant.id).filter((d) => d.event_type === 'TRANSACTION.SUCCESS');
  assert.equal(delivered.status, 200);
  const [unmatched] = await loggedFor(t, tenant.id, delivered.event_id);
  assert.equal(unmatched.outcome, 'unmatched');
  assert.equal(
    (
      await request(t.http)
        .get(`/v1/orders/${outside}`)
        .set(...tenant.auth)
    ).status,
    404,
    'nothing is created from a payload',
  );
  assert.equal((await eventRows(t, tenant.id)).length, 0);
});

test('When WeChat Pay cannot be asked about an unknown out_trade_no, then 5xx (not a refusal) so that it retries, and the retry is resolved by the query', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const sim = simulatorOf(t);
  const outside = outTradeNo('Y');
  const sp = (await t.app.container.resolve<CredentialsProvider>(TOKENS.Credentials).get(provider.spMchid))!;
  const prepay = await createJsapiOrder(t.app.container.resolve<WxpayClient>(TOKENS.Wxpay), sp, {
    sp_appid: provider.spAppid,
    sp_mchid: provider.spMchid,
    sub_appid: tenant.appid,
    sub_mchid: tenant.subMchid,
    description: 'outside partnerpay',
    out_trade_no: outside,
    notify_url: `${t.config.server.publicBaseUrl}/notify/${tenant.id}/transactions`,
    amount: { total: 100, currency: 'CNY' },
    payer: { sub_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  });
  sim.fault({ kind: 'http_500', count: 20, path_prefix: `/v3/pay/partner/transactions/out-trade-no/${outside}` });
  await sim.pay({ prepay_id: prepay.prepay_id });
  sim.clearFaults();
  const [first] = deliveriesTo(t, tenant.id);
  assert.ok(first.status >= 500, `answered ${first.status}`);
  assert.deepEqual(
    (await loggedFor(t, tenant.id, first.event_id)).map((n) => n.outcome),
    ['error'],
    'kept, but not as a security refusal',
  );

  await sim.advance(15_000);
  const [, retry] = deliveriesTo(t, tenant.id);
  assert.equal(retry.status, 200);
  assert.deepEqual((await loggedFor(t, tenant.id, first.event_id)).map((n) => n.outcome).sort(), ['error', 'unmatched']);
});

test('When TRANSACTION.SUCCESS arrives after a sync already marked the order paid, then it is acknowledged and changes nothing', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await placeOrder(t, tenant);
  const sim = simulatorOf(t);
  sim.fault({ kind: 'delay_notifications', delay_ms: 60_000 });
  await sim.pay({ prepay_id: o.prepayId });
  assert.equal(deliveriesTo(t, tenant.id).length, 0, 'the notification is late');

  const synced = await request(t.http)
    .get(`/v1/orders/${o.outTradeNo}?sync=true`)
    .set(...tenant.auth);
  assert.equal(synced.body.order.trade_state, 'SUCCESS');
  assert.equal((await eventRows(t, tenant.id, 'order.paid')).length, 1);

  await sim.advance(60_000);
  const [late] = deliveriesTo(t, tenant.id);
  assert.equal(late.status, 200);
  assert.deepEqual(
    (await loggedFor(t, tenant.id, late.event_id)).map((n) => n.outcome),
    ['duplicate'],
  );
  const after = await readOrder(t, tenant, o.outTradeNo);
  assert.deepEqual(after, synced.body.order);
  assert.equal((await eventRows(t, tenant.id, 'order.paid')).length, 1);
});

test('When partnerpay restarts, then a replay of an applied notification is a no-op; when our database is down, then 5xx, and the retry is applied once it is back', async () => {
  // A restart is a new process on the same database: MariaDB's shared test database, or an SQLite file.
  const sqliteFile = join(tmpdir(), `pp-restart-${unique()}.db`);
  const url = dialectOf(testDatabaseUrl()) === 'mysql' ? testDatabaseUrl() : `sqlite:${sqliteFile}`;
  const first = await startTestApp({ db: { url } });
  let tenant: Tenant;
  let applied: ReturnType<typeof wireNotification>;
  let pending: ReturnType<typeof wireNotification>;
  let o1: Awaited<ReturnType<typeof placeOrder>>;
  let o2: Awaited<ReturnType<typeof placeOrder>>;
  try {
    const p = await givenWechatProvider(first, keys);
    tenant = await givenWechatTenant(first, p);
    o1 = await placeOrder(first, tenant);
    o2 = await placeOrder(first, tenant);
    applied = wireNotification(first, p, 'TRANSACTION.SUCCESS', await payQuietly(first, o1.prepayId));
    pending = wireNotification(first, p, 'TRANSACTION.SUCCESS', await payQuietly(first, o2.prepayId));
    assert.equal((await postNotification(first, tenant.id, 'transactions', applied)).status, 200);
  } finally {
    await first.close();
  }

  const second = await startTestApp({ db: { url } });
  try {
    const before = await readOrder(second, tenant, o1.outTradeNo);
    assert.equal(before.trade_state, 'SUCCESS');
    const replay = await postNotification(second, tenant.id, 'transactions', applied);
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    assert.deepEqual(await readOrder(second, tenant, o1.outTradeNo), before);
    assert.equal((await eventRows(second, tenant.id, 'order.paid')).length, 1);
    assert.deepEqual((await loggedFor(second, tenant.id, eventIdOf(applied))).map((n) => n.outcome).sort(), ['applied', 'duplicate']);

    // Our own fault: the database connection is gone. WeChat Pay must get a 5xx so that it retries.
    await second.app.container.resolve<Orm>(TOKENS.Orm).close(true);
    const down = await postNotification(second, tenant.id, 'transactions', pending);
    assert.ok(down.status >= 500, `answered ${down.status}`);
    assert.equal(down.body.code, 'FAIL');
  } finally {
    await second.close();
  }

  const third = await startTestApp({ db: { url } });
  try {
    assert.equal((await readOrder(third, tenant, o2.outTradeNo)).trade_state, 'NOTPAY', 'nothing was applied while the database was down');
    const retried = await postNotification(third, tenant.id, 'transactions', pending);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal((await readOrder(third, tenant, o2.outTradeNo)).trade_state, 'SUCCESS');
    assert.equal((await eventRows(third, tenant.id, 'order.paid')).length, 2);
  } finally {
    await third.close();
    rmSync(sqliteFile, { force: true });
  }
});
