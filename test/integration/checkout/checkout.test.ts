import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems, uniqueAppid } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, simulatorOf, type Provider } from '../../support/payments';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';
import { anAppSecret, anOpenid, givenAppSecret, loginCode, orderAwaitingBuyer, pay } from './support';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/platform/logging/logger';

/** The app's log lines (the operator's side of a refusal the buyer sees only generically). */
const logLines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) logLines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  },
});
/** The warning logged for the operator when a buyer was refused because of the shop's set-up. */
const setupWarning = (orderId: string) =>
  logLines.find((l) => l.order_id === orderId && String(l.msg).startsWith("mini-program checkout refused by the shop's set-up"));

/** A buyer's refusal names neither the tenant nor an admin route, and is the same whatever the cause. */
function assertGenericForBuyer(body: { message: string; detail?: unknown }, tenantId: string): void {
  assert.equal(body.message, 'this shop cannot take WeChat payments in this mini-program at the moment; please contact the shop');
  assert.equal(body.detail, undefined);
  assert.ok(!JSON.stringify(body).includes(tenantId), 'no tenant id');
  assert.ok(!JSON.stringify(body).includes('/admin'), 'no admin route');
}

let t: TestApp;
let keys: { privateKey: string; publicKey: string };
let provider: Provider;
let spAppSecret: string;

before(async () => {
  keys = rsaPems();
  // Generous address budget: every call of this file comes from 127.0.0.1 (the throttle test has its own app).
  t = await startTestApp(
    { checkout: { perAddressPerMinute: 10_000, perOrderPerMinute: 10, wrongSecretsPerAddressPerMinute: 10_000 } },
    { logger: createLogger('info', sink) },
  );
  spAppSecret = anAppSecret();
  provider = await givenWechatProvider(t, keys, 'public_key', { sp_app_secret: spAppSecret });
  simulatorOf(t).login.registerApp({ appid: provider.spAppid, secret: spAppSecret });
});
after(() => t.close());

const jsapiCalls = (outNo: string) =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path === '/v3/pay/partner/transactions/jsapi' && (c.body as { out_trade_no?: string })?.out_trade_no === outNo);

const tenantOrder = async (auth: [string, string], outNo: string) =>
  (
    await request(t.http)
      .get(`/v1/orders/${outNo}`)
      .set(...auth)
  ).body.order;

test('When a tenant creates an order without payer, then payment is null and only the tenant sees its client_secret', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send({ appid: tenant.appid, out_trade_no: `MP${Date.now()}`, description: 'Toy', amount: { total: 100 } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.payment, null);
  assert.equal(res.body.order.payer, null);
  assert.equal(res.body.order.prepay_id, null);
  assert.match(res.body.order.client_secret, new RegExp(`^${res.body.order.id}_secret_[A-Za-z0-9_-]{32}$`));
  assert.equal(jsapiCalls(res.body.order.out_trade_no).length, 0, 'no WeChat Pay order before a buyer exists');

  const read = await tenantOrder(tenant.auth, res.body.order.out_trade_no);
  assert.equal(read.client_secret, res.body.order.client_secret, 'shown on every tenant read');
  const byAdmin = await request(t.http)
    .get(`/admin/v1/orders/${res.body.order.id}`)
    .set(...admin(t));
  assert.equal(byAdmin.status, 200);
  assert.ok(!JSON.stringify(byAdmin.body).includes(res.body.order.client_secret), 'operators do not see it');
  // A create replayed by Idempotency-Key shows the secret too (it is not kept in the idempotency record).
  const keyed = { appid: tenant.appid, out_trade_no: `MK${Date.now()}`, description: 'Toy', amount: { total: 100 } };
  const first = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Idempotency-Key', keyed.out_trade_no)
    .send(keyed);
  const replay = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Idempotency-Key', keyed.out_trade_no)
    .send(keyed);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.match(first.body.order.client_secret, /_secret_/);
  assert.equal(replay.body.order.client_secret, first.body.order.client_secret);
  const stored = await t.app.container
    .resolve<Orm>(TOKENS.Orm)
    .em.fork()
    .getConnection()
    .execute('select response_body from idempotency_record where tenant_id = ? and idem_key = ?', [tenant.id, keyed.out_trade_no]);
  assert.equal(stored.length, 1);
  assert.ok(!JSON.stringify(stored).includes('_secret_'), 'the idempotency record holds no client_secret');
  const again = await request(t.http)
    .post(`/v1/orders/${res.body.order.out_trade_no}/payment`)
    .set(...tenant.auth);
  assert.equal(again.status, 409, 'the tenant cannot sign payment for an order without its buyer');
});

test('When the buyer pays from the mini-program, then the answer is exactly what wx.requestPayment takes and the order is bound', async () => {
  const tenant = await givenWechatTenant(t, provider);
  await givenAppSecret(t, tenant);
  const order = await orderAwaitingBuyer(t, tenant);
  const openid = anOpenid();
  const res = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, openid) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(Object.keys(res.body).sort(), ['order', 'payment']);
  assert.deepEqual(res.body.order, {
    id: order.id,
    out_trade_no: order.out_trade_no,
    description: 'Image形象店-深圳腾大-QQ公仔',
    amount: { total: 100, currency: 'CNY' },
    trade_state: 'NOTPAY',
  });
  const p = res.body.payment;
  assert.deepEqual(Object.keys(p).sort(), ['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
  assert.equal(p.appId, tenant.appid);
  const message = Formatter.joinedByLineFeed(p.appId, p.timeStamp, p.nonceStr, p.package);
  assert.equal(Rsa.verify(message, p.paySign, Rsa.from(keys.publicKey, Rsa.KEY_TYPE_PUBLIC)), true);
  assert.ok(!JSON.stringify(res.body).includes('session_key'));

  const [call] = jsapiCalls(order.out_trade_no);
  assert.equal((call.body as { sub_appid: string }).sub_appid, tenant.appid);
  assert.deepEqual((call.body as { payer: unknown }).payer, { sub_openid: openid });
  const read = await tenantOrder(tenant.auth, order.out_trade_no);
  assert.deepEqual(read.payer, { openid });

  // The same buyer again (a new wx.login code): fresh parameters, same prepay_id, no second WeChat Pay order.
  const again = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, openid) });
  assert.equal(again.status, 200);
  assert.equal(again.body.payment.package, p.package);
  assert.equal(jsapiCalls(order.out_trade_no).length, 1);

  await simulatorOf(t).pay({ prepay_id: p.package.slice('prepay_id='.length) });
  const view = await request(t.http).get(`/mp/v1/orders/${order.id}`).query({ client_secret: order.client_secret });
  assert.equal(view.status, 200);
  assert.deepEqual(view.body, { order: { ...res.body.order, trade_state: 'SUCCESS' } });
  const paid = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, openid) });
  assert.equal(paid.status, 409);
  assert.equal(paid.body.code, 'ORDER_PAID');
});

test('When another buyer opens a bound order, then 409 PAYER_MISMATCH and WeChat Pay is not asked again', async () => {
  const tenant = await givenWechatTenant(t, provider);
  await givenAppSecret(t, tenant);
  const order = await orderAwaitingBuyer(t, tenant);
  const first = anOpenid();
  // Two buyers race for the same order: exactly one binds it.
  const [a, b] = await Promise.all([
    pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, first) }),
    pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, anOpenid()) }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409], JSON.stringify([a.body, b.body]));
  assert.equal((a.status === 409 ? a : b).body.code, 'PAYER_MISMATCH');
  const winner = (await tenantOrder(tenant.auth, order.out_trade_no)).payer.openid;
  const other = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, anOpenid()) });
  assert.equal(other.status, 409);
  assert.equal(other.body.code, 'PAYER_MISMATCH');
  assert.equal(jsapiCalls(order.out_trade_no).length, 1);
  assert.equal((await tenantOrder(tenant.auth, order.out_trade_no)).payer.openid, winner);
});

test("When a centralized tenant's buyer pays, then the provider's sp_app_secret logs in and the order uses payer.sp_openid", async () => {
  const tenant = await givenWechatTenant(t, provider, { devMode: 'centralized' });
  const sp = await request(t.http)
    .get(`/admin/v1/service-providers/${provider.spMchid}`)
    .set(...admin(t));
  assert.equal(sp.body.sp_app_secret_set, true);
  assert.ok(!JSON.stringify(sp.body).includes(spAppSecret));
  const order = await orderAwaitingBuyer(t, tenant);
  const openid = anOpenid();
  const res = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, provider.spAppid, openid) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.payment.appId, provider.spAppid);
  const [call] = jsapiCalls(order.out_trade_no);
  assert.equal((call.body as { sub_appid?: string }).sub_appid, undefined);
  assert.deepEqual((call.body as { payer: unknown }).payer, { sp_openid: openid });
});

test('When the order is unknown or the client_secret wrong, then both are the same 404 and the code is not spent', async () => {
  const tenant = await givenWechatTenant(t, provider);
  await givenAppSecret(t, tenant);
  const order = await orderAwaitingBuyer(t, tenant);
  const other = await orderAwaitingBuyer(t, tenant);
  const code = loginCode(t, tenant.appid, anOpenid());
  const wrongSecret = await pay(t, order.id, { client_secret: `${order.id}_secret_${'A'.repeat(32)}`, code });
  const othersSecret = await pay(t, order.id, { client_secret: other.client_secret, code });
  const unknown = `ord_${'B'.repeat(22)}`;
  const missing = await pay(t, unknown, { client_secret: `${unknown}_secret_${'A'.repeat(32)}`, code });
  for (const r of [wrongSecret, othersSecret, missing]) {
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'NOT_FOUND');
  }
  assert.equal(wrongSecret.body.message.replace(order.id, '?'), missing.body.message.replace(unknown, '?'));
  const view = await request(t.http).get(`/mp/v1/orders/${order.id}`).query({ client_secret: other.client_secret });
  assert.equal(view.status, 404);
  // The code was never sent to WeChat: it still works once.
  const ok = await pay(t, order.id, { client_secret: order.client_secret, code });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
});

test('When client_secret or code is malformed, then 400 PARAM_ERROR names the field and nothing is written', async () => {
  const tenant = await givenWechatTenant(t, provider);
  await givenAppSecret(t, tenant);
  const order = await orderAwaitingBuyer(t, tenant);
  const code = loginCode(t, tenant.appid, anOpenid());
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ client_secret: 'sk_not_a_client_secret', code }, 'client_secret'],
    [{ client_secret: order.client_secret, code: 'bad code!' }, 'code'],
    [{ client_secret: order.client_secret }, 'code'],
    [{ client_secret: order.client_secret, code, openid: 'oSneaky' }, '(root)'],
  ];
  for (const [body, field] of cases) {
    const r = await pay(t, order.id, body);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.code, 'PARAM_ERROR');
    assert.ok(
      r.body.detail.fields.some((f: { field: string }) => f.field === field),
      JSON.stringify(r.body.detail),
    );
  }
  assert.equal((await tenantOrder(tenant.auth, order.out_trade_no)).payer, null);
  assert.equal(jsapiCalls(order.out_trade_no).length, 0);
});

test('When WeChat refuses the code, then the contract error says what to do and the order stays unbound', async () => {
  const tenant = await givenWechatTenant(t, provider);
  await givenAppSecret(t, tenant);
  const openid = anOpenid();
  const cases: Array<[string, number, string]> = [
    [loginCode(t, uniqueAppid(), openid), 400, 'INVALID_LOGIN_CODE'], // a code of another AppID
    [loginCode(t, tenant.appid, openid, 40029), 400, 'INVALID_LOGIN_CODE'],
    [loginCode(t, tenant.appid, openid, 40163), 400, 'INVALID_LOGIN_CODE'],
    [loginCode(t, tenant.appid, openid, 45011), 429, 'FREQUENCY_LIMITED'],
    [loginCode(t, tenant.appid, openid, 40226), 403, 'FORBIDDEN'],
  ];
  const order = await orderAwaitingBuyer(t, tenant);
  for (const [code, status, errorCode] of cases) {
    const r = await pay(t, order.id, { client_secret: order.client_secret, code });
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, errorCode);
    assert.ok(r.body.detail.upstream.errcode, 'WeChat errcode in detail.upstream');
    if (status === 429) assert.equal(r.headers['retry-after'], '60');
    if (errorCode === 'INVALID_LOGIN_CODE') assert.match(r.body.message, /call wx\.login again/);
  }
  // A code used once is refused the second time (WeChat's codes are single use).
  const code = loginCode(t, tenant.appid, openid);
  assert.equal((await pay(t, order.id, { client_secret: order.client_secret, code })).status, 200);
  const reused = await pay(t, order.id, { client_secret: order.client_secret, code });
  assert.equal(reused.body.code, 'INVALID_LOGIN_CODE');
  assert.equal(reused.body.detail.upstream.errcode, 40163);
});

test('When the order is closed, the tenant suspended or the app has no AppSecret, then 4xx before any call to WeChat', async () => {
  const tenant = await givenWechatTenant(t, provider);
  await givenAppSecret(t, tenant);
  const openid = anOpenid();
  const code = loginCode(t, tenant.appid, openid);

  const closed = await orderAwaitingBuyer(t, tenant);
  await request(t.http)
    .post(`/v1/orders/${closed.out_trade_no}/close`)
    .set(...tenant.auth)
    .expect(200);
  const r1 = await pay(t, closed.id, { client_secret: closed.client_secret, code });
  assert.equal(r1.status, 409);
  assert.equal(r1.body.code, 'ORDER_CLOSED');

  const order = await orderAwaitingBuyer(t, tenant);
  await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t))
    .send({ status: 'suspended' })
    .expect(200);
  const r2 = await pay(t, order.id, { client_secret: order.client_secret, code });
  assert.equal(r2.status, 403);
  assert.equal(r2.body.code, 'TENANT_SUSPENDED');
  await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t))
    .send({ status: 'active' })
    .expect(200);

  await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}/apps/${tenant.appid}`)
    .set(...admin(t))
    .send({ app_secret: null })
    .expect(200);
  const r3 = await pay(t, order.id, { client_secret: order.client_secret, code });
  assert.equal(r3.status, 422);
  assert.equal(r3.body.code, 'APP_SECRET_MISSING');
  assertGenericForBuyer(r3.body, tenant.id);
  assert.match(String(setupWarning(order.id)?.msg), new RegExp(`PATCH /admin/v1/tenants/${tenant.id}/apps/`), 'the operator is told');

  assert.equal(jsapiCalls(closed.out_trade_no).length + jsapiCalls(order.out_trade_no).length, 0);
  assert.equal((await tenantOrder(tenant.auth, order.out_trade_no)).payer, null);
  // None of these spent the code.
  await givenAppSecret(t, tenant);
  assert.equal((await pay(t, order.id, { client_secret: order.client_secret, code })).status, 200);
});

test('When a third-party-platform app is neither authorised on an open platform nor has an AppSecret, then 422 says how to fix it', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const appid = uniqueAppid();
  await request(t.http)
    .post(`/admin/v1/tenants/${tenant.id}/apps`)
    .set(...admin(t))
    .send({ appid, type: 'miniprogram', dev_mode: 'third_party' })
    .expect(201);
  const order = await orderAwaitingBuyer(t, { ...tenant, appid });
  const r = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, appid, anOpenid()) });
  assert.equal(r.status, 422);
  assert.equal(r.body.code, 'APP_SECRET_MISSING');
  assertGenericForBuyer(r.body, tenant.id);
  const warning = setupWarning(order.id);
  assert.equal(warning?.tenant_id, tenant.id);
  assert.match(String(warning?.msg), /POST \/admin\/v1\/open-platforms\/\{component_appid\}\/authorizations/);
  assert.match(String(warning?.msg), /payer\.openid/);
});

test("When WeChat rejects a centralized app's AppSecret, then the buyer gets a generic 422 and the operator is told to set sp_app_secret", async () => {
  const tenant = await givenWechatTenant(t, provider, { devMode: 'centralized' });
  const order = await orderAwaitingBuyer(t, tenant);
  simulatorOf(t).login.registerApp({ appid: provider.spAppid, secret: anAppSecret() }); // rotated at WeChat, not here
  try {
    const r = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, provider.spAppid, anOpenid()) });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.code, 'APP_SECRET_MISSING');
    assertGenericForBuyer(r.body, tenant.id);
    const msg = String(setupWarning(order.id)?.msg);
    assert.match(msg, /sp_app_secret/);
    assert.doesNotMatch(msg, /\/tenants\//, 'not the tenant app route, which cannot fix a centralized app');
  } finally {
    simulatorOf(t).login.registerApp({ appid: provider.spAppid, secret: spAppSecret });
  }
});

test('When the AppID of an order awaiting its buyer is unbound, then /mp/v1 pay is 422 APPID_MCHID_NOT_MATCH (as POST /payment) and WeChat is not asked', async () => {
  const tenant = await givenWechatTenant(t, provider);
  await givenAppSecret(t, tenant);
  const order = await orderAwaitingBuyer(t, tenant);
  await request(t.http)
    .delete(`/admin/v1/tenants/${tenant.id}/apps/${tenant.appid}`)
    .set(...admin(t))
    .expect(200);
  const calls = simulatorOf(t).calls().length;
  const r = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, anOpenid()) });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.code, 'APPID_MCHID_NOT_MATCH');
  assertGenericForBuyer(r.body, tenant.id);
  assert.equal(simulatorOf(t).calls().length, calls, 'no call to WeChat Pay');
  assert.equal(jsapiCalls(order.out_trade_no).length, 0);
  assert.equal((await tenantOrder(tenant.auth, order.out_trade_no)).payer, null, 'no buyer bound');
});

test('When an operator sets and rotates an AppSecret, then answers and the audit log say app_secret_set and never the value', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const appid = uniqueAppid();
  const first = anAppSecret();
  const added = await request(t.http)
    .post(`/admin/v1/tenants/${tenant.id}/apps`)
    .set(...admin(t))
    .send({ appid, type: 'miniprogram', dev_mode: 'outsourced', app_secret: first });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  assert.equal(added.body.apps.find((a: { appid: string }) => a.appid === appid).app_secret_set, true);
  const second = anAppSecret();
  const rotated = await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}/apps/${appid}`)
    .set(...admin(t))
    .send({ app_secret: second });
  assert.equal(rotated.status, 200);
  simulatorOf(t).login.registerApp({ appid, secret: second });
  simulatorOf(t).registerSubMerchant({ sp_mchid: provider.spMchid, sub_mchid: tenant.subMchid, appids: [tenant.appid, appid] });
  const order = await orderAwaitingBuyer(t, { ...tenant, appid });
  assert.equal((await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, appid, anOpenid()) })).status, 200);

  const audit = await request(t.http)
    .get('/admin/v1/audit-log?limit=100')
    .set(...admin(t));
  const text = JSON.stringify(audit.body) + JSON.stringify(added.body) + JSON.stringify(rotated.body);
  assert.ok(text.includes('tenant.app_secret_set'));
  for (const secret of [first, second]) assert.ok(!text.includes(secret), 'no AppSecret in answers or the audit log');
  const bad = await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}/apps/${appid}`)
    .set(...admin(t))
    .send({ app_secret: 'short' });
  assert.equal(bad.status, 400);
  assert.ok(!JSON.stringify(bad.body).includes('short'));
  const unbound = await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}/apps/${uniqueAppid()}`)
    .set(...admin(t))
    .send({ app_secret: anAppSecret() });
  assert.equal(unbound.status, 404);
});

test('When one order is called too often, then 429 FREQUENCY_LIMITED with Retry-After', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const order = await orderAwaitingBuyer(t, tenant);
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) {
    const r = await request(t.http).get(`/mp/v1/orders/${order.id}`).query({ client_secret: order.client_secret });
    statuses.push(r.status);
    if (r.status === 429) assert.ok(Number(r.headers['retry-after']) >= 1);
  }
  assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
});
