import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { startTestApp, type TestApp } from '../../support/app';
import { rfc3339 } from '../../../src/platform/clock';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';
import { reader, run } from '../../../src/platform/db/sql';
import { rsaPems, admin } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, outTradeNo, simulatorOf, type Provider } from '../../support/payments';

let t: TestApp;
let keys: { privateKey: string; publicKey: string };
let provider: Provider;

before(async () => {
  keys = rsaPems();
  t = await startTestApp();
  provider = await givenWechatProvider(t, keys);
});
after(() => t.close());

const jsapiCalls = (outNo: string) =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path === '/v3/pay/partner/transactions/jsapi' && (c.body as { out_trade_no?: string })?.out_trade_no === outNo);

test('When a tenant creates an order and the buyer pays, then the order reads SUCCESS with its transaction', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  const created = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.order.trade_state, 'NOTPAY');
  assert.match(created.body.order.id, /^ord_/);
  assert.match(created.body.order.prepay_id, /^wx/);
  assert.equal(created.body.payment.package, `prepay_id=${created.body.order.prepay_id}`);

  await simulatorOf(t).pay({ prepay_id: created.body.order.prepay_id });
  const read = await request(t.http)
    .get(`/v1/orders/${body.out_trade_no}`)
    .set(...tenant.auth);
  assert.equal(read.status, 200);
  assert.equal(read.body.order.trade_state, 'SUCCESS');
  assert.match(read.body.order.transaction_id, /^\d+$/);
  assert.ok(read.body.order.success_time);
  assert.equal(read.body.order.refunded_total, 0);
});

test('When payment parameters are issued, then an independent implementation verifies paySign with the merchant public key', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(orderBody(tenant));
  const p = res.body.payment;
  assert.deepEqual(Object.keys(p).sort(), ['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
  assert.equal(p.appId, tenant.appid);
  assert.equal(p.signType, 'RSA');
  assert.match(p.timeStamp, /^\d{10}$/);
  const message = Formatter.joinedByLineFeed(p.appId, p.timeStamp, p.nonceStr, p.package);
  assert.equal(Rsa.verify(message, p.paySign, Rsa.from(keys.publicKey, Rsa.KEY_TYPE_PUBLIC)), true);
  assert.equal(Rsa.verify(message.replace(p.appId, 'wx0000000000000000'), p.paySign, Rsa.from(keys.publicKey, Rsa.KEY_TYPE_PUBLIC)), false);

  const again = await request(t.http)
    .post(`/v1/orders/${res.body.order.out_trade_no}/payment`)
    .set(...tenant.auth);
  assert.equal(again.status, 200);
  assert.equal(again.body.payment.package, p.package, 'same prepay_id');
});

test("When the tenant's own app orders, then WeChat Pay gets the partner body with sub_appid and payer.sub_openid", async () => {
  const tenant = await givenWechatTenant(t, provider);
  const expire = rfc3339(Math.floor(Date.now() / 1000) * 1000 + 3 * 86_400_000);
  const body = orderBody(tenant, { attach: 'cart=42', time_expire: expire });
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);
  const [call] = jsapiCalls(body.out_trade_no as string);
  assert.deepEqual(call.body, {
    sp_appid: provider.spAppid,
    sp_mchid: provider.spMchid,
    sub_appid: tenant.appid,
    sub_mchid: tenant.subMchid,
    description: body.description,
    out_trade_no: body.out_trade_no,
    time_expire: expire,
    attach: 'cart=42',
    notify_url: `${t.config.server.publicBaseUrl}/notify/${tenant.id}/transactions`,
    amount: { total: 100, currency: 'CNY' },
    payer: { sub_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  });
  assert.equal(call.sp_mchid, provider.spMchid);
});

test("When a centralized tenant orders, then it uses the ISV's sp_appid and payer.sp_openid, and paySign uses the sp_appid", async () => {
  const tenant = await givenWechatTenant(t, provider, { devMode: 'centralized' });
  const body = orderBody(tenant);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const [call] = jsapiCalls(body.out_trade_no as string);
  const sent = call.body as Record<string, unknown>;
  assert.equal(sent.sp_appid, provider.spAppid);
  assert.equal(sent.sub_appid, undefined);
  assert.deepEqual(sent.payer, { sp_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' });
  assert.equal(res.body.payment.appId, provider.spAppid);
});

test('When the appid is not bound to the tenant, then 422 APPID_MCHID_NOT_MATCH and WeChat Pay is not called', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant, { appid: 'wx1234567890abcdef' });
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 422);
  assert.equal(res.body.code, 'APPID_MCHID_NOT_MATCH');
  assert.equal(jsapiCalls(body.out_trade_no as string).length, 0);
});

test('When the body is bad, then 400 PARAM_ERROR names each field and nothing is written', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(orderBody(tenant, { out_trade_no: 'a b', amount: { total: 1.5 }, description: '表情😀', time_expire: '2020-01-01' }));
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 'PARAM_ERROR');
  const fields = (res.body.detail.fields as Array<{ field: string }>).map((f) => f.field).sort();
  assert.deepEqual(fields, ['amount.total', 'description', 'out_trade_no', 'time_expire']);
  const past = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(orderBody(tenant, { time_expire: '2020-01-01T10:00:00+08:00' }));
  assert.equal(past.status, 400);
  assert.equal(past.body.detail.fields[0].field, 'time_expire');
  // Impossible dates are not rolled over, and WeChat Pay's 15-day cap is refused rather than silently applied.
  for (const time_expire of [
    '2027-02-30T10:00:00+08:00',
    '2027-04-31T10:00:00+08:00',
    '2027-01-01T24:00:00+08:00',
    '9999-12-31T23:59:59+08:00',
  ]) {
    const bad = await request(t.http)
      .post('/v1/orders')
      .set(...tenant.auth)
      .send(orderBody(tenant, { time_expire }));
    assert.equal(bad.status, 400, time_expire);
    assert.equal(bad.body.detail.fields[0].field, 'time_expire');
  }
});

test('When the same out_trade_no comes again, then the same body answers the order (200) and another body is 409 OUT_TRADE_NO_USED', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  const first = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);
  const same = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(same.status, 200);
  assert.equal(same.body.order.id, first.body.order.id);
  assert.equal(same.body.order.prepay_id, first.body.order.prepay_id);
  const other = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send({ ...body, amount: { total: 200, currency: 'CNY' } });
  assert.equal(other.status, 409);
  assert.equal(other.body.code, 'OUT_TRADE_NO_USED');
  assert.equal(jsapiCalls(body.out_trade_no as string).length, 1);
});

test('When an Idempotency-Key is reused, then the first answer is replayed for the same body and 409 IDEMPOTENCY_CONFLICT for another', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  const key = `idem-${outTradeNo()}`;
  const first = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Idempotency-Key', key)
    .send(body);
  assert.equal(first.status, 201);
  const replay = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Idempotency-Key', key)
    .send(body);
  assert.equal(replay.status, 201);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.deepEqual(replay.body, first.body);
  const conflict = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Idempotency-Key', key)
    .send(orderBody(tenant));
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.code, 'IDEMPOTENCY_CONFLICT');
});

test('When 20 identical creates race, then there is one order and one upstream call', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  const answers = await Promise.all(
    Array.from({ length: 20 }, () =>
      request(t.http)
        .post('/v1/orders')
        .set(...tenant.auth)
        .send(body),
    ),
  );
  assert.deepEqual([...new Set(answers.map((a) => a.status))].sort(), [200, 201]);
  assert.equal(answers.filter((a) => a.status === 201).length, 1);
  assert.equal(new Set(answers.map((a) => a.body.order.id)).size, 1);
  assert.equal(new Set(answers.map((a) => a.body.order.prepay_id)).size, 1);
  assert.equal(jsapiCalls(body.out_trade_no as string).length, 1);

  const key = `race-${outTradeNo()}`;
  const keyed = orderBody(tenant);
  const replays = await Promise.all(
    Array.from({ length: 20 }, () =>
      request(t.http)
        .post('/v1/orders')
        .set(...tenant.auth)
        .set('Idempotency-Key', key)
        .send(keyed),
    ),
  );
  assert.ok(replays.every((r) => r.status === 201 && r.body.order.id === replays[0].body.order.id));
  assert.equal(jsapiCalls(keyed.out_trade_no as string).length, 1);
});

test("When a tenant asks for another tenant's order, then 404 as if it did not exist", async () => {
  const a = await givenWechatTenant(t, provider);
  const b = await givenWechatTenant(t, provider);
  const body = orderBody(a);
  await request(t.http)
    .post('/v1/orders')
    .set(...a.auth)
    .send(body)
    .expect(201);
  for (const req of [
    request(t.http)
      .get(`/v1/orders/${body.out_trade_no}`)
      .set(...b.auth),
    request(t.http)
      .post(`/v1/orders/${body.out_trade_no}/close`)
      .set(...b.auth),
    request(t.http)
      .post(`/v1/orders/${body.out_trade_no}/payment`)
      .set(...b.auth),
  ]) {
    const res = await req;
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'NOT_FOUND');
  }
  const collide = await request(t.http)
    .post('/v1/orders')
    .set(...b.auth)
    .send({ ...body, appid: b.appid });
  assert.equal(collide.status, 409, 'out_trade_no is unique per service provider at WeChat Pay');
});

test('When an unpaid order is closed, then it is CLOSED here and at WeChat Pay; closing again answers it; a paid order is 409 ORDER_PAID', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);
  const closed = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/close`)
    .set(...tenant.auth);
  assert.equal(closed.status, 200);
  assert.equal(closed.body.order.trade_state, 'CLOSED');
  assert.equal(simulatorOf(t).order({ sub_mchid: tenant.subMchid, out_trade_no: body.out_trade_no as string }).trade_state, 'CLOSED');
  const again = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/close`)
    .set(...tenant.auth);
  assert.equal(again.status, 200);
  const payment = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/payment`)
    .set(...tenant.auth);
  assert.equal(payment.body.code, 'ORDER_CLOSED');

  const paid = orderBody(tenant);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(paid)
    .expect(201);
  await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
  const refused = await request(t.http)
    .post(`/v1/orders/${paid.out_trade_no}/close`)
    .set(...tenant.auth);
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, 'ORDER_PAID');
});

test('When WeChat Pay answers 500 once, then the client retries and the order is created', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  simulatorOf(t).fault({ kind: 'http_500', count: 1, path_prefix: '/v3/pay/partner/transactions/jsapi' });
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(jsapiCalls(body.out_trade_no as string).length, 2);
});

test('When WeChat Pay keeps failing, then 502 retryable, the order stays, and a retry later resumes it', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  simulatorOf(t).fault({ kind: 'http_500', count: 10, path_prefix: '/v3/pay/partner/transactions/jsapi' });
  const failed = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(failed.status, 502);
  assert.equal(failed.body.code, 'UPSTREAM_ERROR');
  assert.equal(failed.body.detail.retryable, true);
  simulatorOf(t).clearFaults();
  const kept = await request(t.http)
    .get(`/v1/orders/${body.out_trade_no}`)
    .set(...tenant.auth);
  assert.equal(kept.status, 200, 'the order row was written before the upstream call');
  assert.equal(kept.body.order.prepay_id, null);
  const resumed = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(resumed.status, 200);
  assert.match(resumed.body.order.prepay_id, /^wx/);
  assert.equal(resumed.body.order.id, kept.body.order.id);
});

test('When operators list orders, then filters and cursor paging work; tenants cannot use the admin list', async () => {
  const tenant = await givenWechatTenant(t, provider);
  for (let i = 0; i < 3; i++)
    await request(t.http)
      .post('/v1/orders')
      .set(...tenant.auth)
      .send(orderBody(tenant))
      .expect(201);
  const page1 = await request(t.http)
    .get(`/admin/v1/orders?tenant_id=${tenant.id}&limit=2`)
    .set(...admin(t));
  assert.equal(page1.status, 200);
  assert.equal(page1.body.data.length, 2);
  assert.ok(page1.body.next_cursor);
  const page2 = await request(t.http)
    .get(`/admin/v1/orders?tenant_id=${tenant.id}&limit=2&cursor=${page1.body.next_cursor}`)
    .set(...admin(t));
  assert.equal(page2.body.data.length, 1);
  assert.equal(page2.body.next_cursor, null);
  const ids = [...page1.body.data, ...page2.body.data].map((o: { id: string }) => o.id);
  assert.equal(new Set(ids).size, 3);
  const one = await request(t.http)
    .get(`/admin/v1/orders/${ids[0]}`)
    .set(...admin(t));
  assert.equal(one.body.order.tenant_id, tenant.id);
  const closedOnly = await request(t.http)
    .get(`/admin/v1/orders?tenant_id=${tenant.id}&state=CLOSED`)
    .set(...admin(t));
  assert.equal(closedOnly.body.data.length, 0);
  const asTenant = await request(t.http)
    .get('/admin/v1/orders')
    .set(...tenant.auth);
  assert.equal(asTenant.status, 401);
});

/**
 * Makes the order look as it does to a second node that raced past the prepay lock: no prepay_id of
 * its own yet, and a body WeChat Pay no longer matches (so WeChat Pay answers OUT_TRADE_NO_USED).
 */
async function asSecondNodeSeesIt(outNo: string): Promise<void> {
  const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
  await run(reader(orm), 'update payment_order set prepay_id = null, prepay_at = null, description = ? where out_trade_no = ?', [
    'raced',
    outNo,
  ]);
}

test('When WeChat Pay answers OUT_TRADE_NO_USED for an order another node placed, then its prepay_id is reused; for one paid since, 409 ORDER_PAID', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
  const body = orderBody(tenant);
  const first = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);
  const prepayId = first.body.order.prepay_id as string;
  const outNo = body.out_trade_no as string;
  await asSecondNodeSeesIt(outNo);
  // WeChat Pay answers slowly; meanwhile the other node saves the prepay_id its own call got.
  simulatorOf(t).fault({ kind: 'latency', delay_ms: 1_000, count: 1, path_prefix: '/v3/pay/partner/transactions/jsapi' });
  const asking = request(t.http)
    .post(`/v1/orders/${outNo}/payment`)
    .set(...tenant.auth)
    .then((r) => r);
  const deadline = Date.now() + 20_000;
  while (jsapiCalls(outNo).length < 2) {
    if (Date.now() > deadline) assert.fail('the second prepay call never reached WeChat Pay');
    await new Promise((r) => setTimeout(r, 20));
  }
  await run(reader(orm), 'update payment_order set prepay_id = ?, prepay_at = ? where out_trade_no = ?', [prepayId, Date.now(), outNo]);
  const reused = await asking;
  assert.equal(reused.status, 200, JSON.stringify(reused.body));
  assert.equal(reused.body.order.prepay_id, prepayId, "the other node's prepay_id");
  assert.equal(reused.body.payment.package, `prepay_id=${prepayId}`);

  // Paid since (its notification not yet here): the query tells, and the answer says so.
  const paid = orderBody(tenant);
  const placed = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(paid)
    .expect(201);
  simulatorOf(t).fault({ kind: 'drop_notifications', count: 1 });
  await simulatorOf(t).pay({ prepay_id: placed.body.order.prepay_id });
  await asSecondNodeSeesIt(paid.out_trade_no as string);
  const answer = await request(t.http)
    .post(`/v1/orders/${paid.out_trade_no}/payment`)
    .set(...tenant.auth);
  assert.equal(answer.status, 409, JSON.stringify(answer.body));
  assert.equal(answer.body.code, 'ORDER_PAID');
});
