import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { rsaPems, admin, uniqueAppid } from '../../support/tenancy';
import { givenWechatProvider, outTradeNo, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { eventRows } from '../../support/notifications';
import { registerTenantInSimulator } from '@partnerpay/wxpay-simulator';

let t: TestApp;
let keys: { privateKey: string; publicKey: string };
let provider: Provider;

before(async () => {
  keys = rsaPems();
  t = await startTestApp();
  provider = await givenWechatProvider(t, keys);
});
after(() => t.close());

/** A shop with a mini-program and a mobile app (type app). */
async function givenShop(): Promise<Tenant & { mobileAppid: string }> {
  const mobileAppid = uniqueAppid();
  const body = {
    sp_mchid: provider.spMchid,
    sub_mchid: uniqueMchid(),
    name: 'Tengda Toys',
    apps: [
      { appid: uniqueAppid(), type: 'miniprogram', dev_mode: 'outsourced' },
      { appid: mobileAppid, type: 'app', dev_mode: 'outsourced' },
    ],
  };
  const res = await request(t.http)
    .post('/admin/v1/tenants')
    .set(...admin(t))
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  registerTenantInSimulator(simulatorOf(t), body);
  return {
    id: res.body.id,
    subMchid: body.sub_mchid,
    appid: body.apps[0].appid,
    mobileAppid,
    secretKey: res.body.secret_key,
    webhookSecret: res.body.webhook_secret,
    auth: ['Authorization', `Bearer ${res.body.secret_key}`],
  };
}

const base = (over: Record<string, unknown>) => ({
  out_trade_no: outTradeNo('M'),
  description: 'Image形象店-深圳腾大-QQ公仔',
  amount: { total: 100, currency: 'CNY' },
  ...over,
});
const h5Scene = { payer_client_ip: '203.0.113.7', h5_info: { type: 'Wap', app_name: 'Tengda', app_url: 'https://shop.example.com' } };
const callsTo = (path: string, outNo: string) =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path === path && (c.body as { out_trade_no?: string })?.out_trade_no === outNo);

async function read(tenant: Tenant, outNo: string) {
  const r = await request(t.http)
    .get(`/v1/orders/${outNo}`)
    .set(...tenant.auth);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.order as Record<string, unknown>;
}

test('When a shop creates a NATIVE order without an appid, then it gets a code_url, and the paid order reads SUCCESS with order.paid once', async () => {
  const shop = await givenShop();
  const body = base({ trade_type: 'NATIVE', appid: undefined });
  // Two apps, none centralized: an appid must be named.
  const ambiguous = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(body);
  assert.equal(ambiguous.status, 400, JSON.stringify(ambiguous.body));
  assert.equal(ambiguous.body.detail.fields[0].field, 'appid');
  assert.equal(callsTo('/v3/pay/partner/transactions/native', body.out_trade_no).length, 0);

  const named = { ...body, appid: shop.appid };
  const created = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(named);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.order.trade_type, 'NATIVE');
  assert.equal(created.body.order.client_secret, undefined, 'only mini-program orders awaiting a buyer have one');
  assert.match(created.body.payment.code_url, /^weixin:\/\/wxpay\/bizpayurl\?pr=/);
  const again = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(named);
  assert.equal(again.status, 200);
  assert.equal(again.body.payment.code_url, created.body.payment.code_url, 'the same order keeps its QR code');

  simulatorOf(t).fault({ kind: 'duplicate_notifications', times: 3, count: 1 });
  await simulatorOf(t).pay({ sub_mchid: shop.subMchid, out_trade_no: named.out_trade_no });
  const order = await read(shop, named.out_trade_no);
  assert.equal(order.trade_state, 'SUCCESS');
  assert.equal(order.trade_type, 'NATIVE');
  assert.equal((await eventRows(t, shop.id, 'order.paid')).length, 1, 'three copies of the notification, one event');
});

test('When the only app is used for a NATIVE order without appid, then the order takes it', async () => {
  const body = {
    sp_mchid: provider.spMchid,
    sub_mchid: uniqueMchid(),
    name: 'One-app shop',
    apps: [{ appid: uniqueAppid(), type: 'official_account', dev_mode: 'outsourced' }],
  };
  const res = await request(t.http)
    .post('/admin/v1/tenants')
    .set(...admin(t))
    .send(body);
  registerTenantInSimulator(simulatorOf(t), body);
  const created = await request(t.http)
    .post('/v1/orders')
    .set('Authorization', `Bearer ${res.body.secret_key}`)
    .send(base({ trade_type: 'NATIVE' }));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.order.appid, body.apps[0].appid);
  const sent = callsTo('/v3/pay/partner/transactions/native', created.body.order.out_trade_no)[0].body as Record<string, unknown>;
  assert.equal(sent.sub_appid, body.apps[0].appid);
  assert.equal(sent.payer, undefined);
});

test('When an H5 order lacks scene_info, then 400 names it and WeChat Pay is not called; with it, each payment call gives a fresh h5_url', async () => {
  const shop = await givenShop();
  const body = base({ trade_type: 'H5', appid: shop.appid });
  const missing = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(body);
  assert.equal(missing.status, 400, JSON.stringify(missing.body));
  assert.equal(missing.body.detail.fields[0].field, 'scene_info');
  const badIp = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send({ ...body, scene_info: { ...h5Scene, payer_client_ip: 'not-an-ip' } });
  assert.equal(badIp.status, 400);
  assert.equal(badIp.body.detail.fields[0].field, 'scene_info.payer_client_ip');
  const withPayer = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send({ ...body, scene_info: h5Scene, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } });
  assert.equal(withPayer.status, 400);
  assert.equal(withPayer.body.detail.fields[0].field, 'payer');
  assert.equal(callsTo('/v3/pay/partner/transactions/h5', body.out_trade_no).length, 0);

  const created = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send({ ...body, scene_info: h5Scene });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.order.trade_type, 'H5');
  assert.match(created.body.payment.h5_url, /^https:\/\/wx\.tenpay\.com\/cgi-bin\/mmpayweb-bin\/checkmweb\?prepay_id=/);
  const fresh = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/payment`)
    .set(...shop.auth);
  assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  assert.notEqual(fresh.body.payment.h5_url, created.body.payment.h5_url);
  const sent = callsTo('/v3/pay/partner/transactions/h5', body.out_trade_no);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].body, sent[0].body, 'a fresh h5_url is asked with identical params');

  await simulatorOf(t).pay({ sub_mchid: shop.subMchid, out_trade_no: body.out_trade_no });
  const synced = await request(t.http)
    .get(`/v1/orders/${body.out_trade_no}?sync=true`)
    .set(...shop.auth);
  assert.equal(synced.body.order.trade_state, 'SUCCESS');
  assert.equal(synced.body.order.trade_type, 'H5', 'WeChat Pay says MWEB; the order keeps the mode it was created with');
});

test('When an APP order names a mini-program AppID, then 400 names appid; with the app, the OpenSDK PayReq verifies and the order is paid', async () => {
  const shop = await givenShop();
  const wrong = base({ trade_type: 'APP', appid: shop.appid });
  const refused = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(wrong);
  assert.equal(refused.status, 400, JSON.stringify(refused.body));
  assert.equal(refused.body.detail.fields[0].field, 'appid');
  assert.equal(callsTo('/v3/pay/partner/transactions/app', wrong.out_trade_no).length, 0);
  const jsapiForApp = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(base({ appid: shop.mobileAppid, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } }));
  assert.equal(jsapiForApp.status, 400);
  assert.equal(jsapiForApp.body.detail.fields[0].field, 'appid');

  const body = base({ trade_type: 'APP', appid: shop.mobileAppid });
  const created = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const p = created.body.payment;
  assert.deepEqual(Object.keys(p).sort(), ['appid', 'noncestr', 'package', 'partnerid', 'prepayid', 'sign', 'timestamp']);
  assert.equal(p.appid, shop.mobileAppid);
  assert.equal(p.partnerid, shop.subMchid);
  assert.equal(p.package, 'Sign=WXPay');
  assert.equal(p.prepayid, created.body.order.prepay_id);
  const message = Formatter.joinedByLineFeed(p.appid, p.timestamp, p.noncestr, p.prepayid);
  assert.equal(Rsa.verify(message, p.sign, Rsa.from(keys.publicKey, Rsa.KEY_TYPE_PUBLIC)), true);

  const again = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/payment`)
    .set(...shop.auth);
  assert.equal(again.body.payment.prepayid, p.prepayid, 'the same prepay_id while it lives');
  await simulatorOf(t).pay({ prepay_id: p.prepayid });
  const order = await read(shop, body.out_trade_no);
  assert.equal(order.trade_state, 'SUCCESS');
  assert.equal(order.trade_type, 'APP');
});

test('When WeChat Pay fails a NATIVE order, then 502 retryable, the order stays, and the same request later answers its code_url', async () => {
  const shop = await givenShop();
  const body = base({ trade_type: 'NATIVE', appid: shop.appid });
  simulatorOf(t).fault({ kind: 'http_500', count: 10, path_prefix: '/v3/pay/partner/transactions/native' });
  const failed = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(body);
  assert.equal(failed.status, 502, JSON.stringify(failed.body));
  assert.equal(failed.body.detail.retryable, true);
  simulatorOf(t).clearFaults();
  const resumed = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(body);
  assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
  assert.match(resumed.body.payment.code_url, /^weixin:/);
  // A different body under the same out_trade_no is a different order.
  const other = await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send({ ...body, trade_type: 'H5', scene_info: h5Scene });
  assert.equal(other.status, 409);
  assert.equal(other.body.code, 'OUT_TRADE_NO_USED');
});

test('When a NATIVE order is closed, then WeChat Pay closes it and it reads CLOSED', async () => {
  const shop = await givenShop();
  const body = base({ trade_type: 'NATIVE', appid: shop.appid });
  await request(t.http)
    .post('/v1/orders')
    .set(...shop.auth)
    .send(body)
    .expect(201);
  const closed = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/close`)
    .set(...shop.auth);
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  assert.equal(closed.body.order.trade_state, 'CLOSED');
  assert.equal(closed.body.order.trade_type, 'NATIVE');
});

test('When operators list orders by trade_type, then only that mode is answered, each row naming its mode; an unknown mode is 400', async () => {
  const shop = await givenShop();
  const native = base({ trade_type: 'NATIVE', appid: shop.appid });
  const h5 = base({ trade_type: 'H5', appid: shop.appid, scene_info: h5Scene });
  for (const body of [native, h5])
    await request(t.http)
      .post('/v1/orders')
      .set(...shop.auth)
      .send(body)
      .expect(201);
  const list = async (q: string) => {
    const r = await request(t.http)
      .get(`/admin/v1/orders?tenant_id=${shop.id}${q}`)
      .set(...admin(t));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return (r.body.data as Array<{ out_trade_no: string; trade_type: string }>).map((o) => [o.out_trade_no, o.trade_type]);
  };
  assert.deepEqual(await list('&trade_type=NATIVE'), [[native.out_trade_no, 'NATIVE']]);
  assert.deepEqual(await list('&trade_type=H5'), [[h5.out_trade_no, 'H5']]);
  assert.deepEqual(await list('&trade_type=MICROPAY'), []);
  assert.equal((await list('')).length, 2);
  const bad = await request(t.http)
    .get(`/admin/v1/orders?trade_type=MWEB`)
    .set(...admin(t));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.detail.fields[0].field, 'trade_type');
});
