import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { TOKENS } from '../../../src/platform/tokens';
import { WxpaySimulator, registerTenantInSimulator } from '@partnerpay/wxpay-simulator';
import { appid, mchid, merchantKeys, orderBody, outNo, pluginClient, Receiver, signedRequest, v3, type TestProvider } from './harness';
import { randomBytes } from 'node:crypto';

let t: TestApp;
let rx: Receiver;
before(async () => {
  t = await startTestApp();
  rx = await new Receiver().start();
});
after(async () => {
  await t.close();
  await rx.close();
});

test('When partnerpay runs with simulator.embedded, then the simulator is bound to TOKENS.Simulator and mounted at /simulator', async () => {
  const sim = t.app.container.resolve<WxpaySimulator>(TOKENS.Simulator);
  assert.ok(sim instanceof WxpaySimulator);
  const res = await request(t.http).get('/simulator/control/platform');
  assert.equal(res.status, 200);
  assert.equal(res.body.public_key_id, sim.platform().public_key_id);
  assert.match(res.body.public_key_id, /^PUB_KEY_ID_0114\d{30}$/);
  assert.match(res.body.certificate_pem, /BEGIN CERTIFICATE/);
  // partnerpay's own JSON routes are untouched by the simulator's raw-body parser.
  assert.equal((await request(t.http).post('/healthz').set('Content-Type', 'application/json').send('{"a":')).body.code, 'PARAM_ERROR');
});

test('When a newcomer follows the README with the control API, then an order placed through /simulator is paid and notified', async () => {
  const { privateKey, publicKey } = merchantKeys();
  const p: TestProvider = {
    sp_mchid: mchid(),
    sp_appid: appid(),
    serial: randomBytes(20).toString('hex').toUpperCase(),
    privateKey,
    apiv3Key: randomBytes(16).toString('hex'),
    sub_mchid: mchid(),
    sub_appid: appid(),
  };
  const sp = await request(t.http)
    .post('/simulator/control/service-providers')
    .send({
      sp_mchid: p.sp_mchid,
      sp_appid: p.sp_appid,
      merchant_serial_no: p.serial,
      merchant_public_key: publicKey.export({ type: 'spki', format: 'pem' }),
      apiv3_key: p.apiv3Key,
      verification: 'public_key',
    });
  assert.equal(sp.status, 200);
  assert.equal(sp.body.wechatpay_serial, (await request(t.http).get('/simulator/control/platform')).body.public_key_id);
  assert.equal(
    (
      await request(t.http)
        .post('/simulator/control/sub-merchants')
        .send({ sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid, appids: [p.sub_appid] })
    ).status,
    200,
  );

  const platform = (await request(t.http).get('/simulator/control/platform')).body;
  const client = v3(pluginClient(p, `${t.baseUrl}/simulator`, { [platform.public_key_id]: platform.public_key_pem }));
  const body = orderBody(p, rx.url);
  const { data } = await client.post('v3/pay/partner/transactions/jsapi', body);

  const paid = await request(t.http).post('/simulator/control/pay').send({ prepay_id: data.prepay_id });
  assert.equal(paid.status, 200);
  assert.equal(paid.body.trade_state, 'SUCCESS');
  assert.equal(rx.received.length, 1);
  const deliveries = (await request(t.http).get('/simulator/control/deliveries')).body.data;
  assert.deepEqual([deliveries.at(-1).url, deliveries.at(-1).status, deliveries.at(-1).event_type], [rx.url, 200, 'TRANSACTION.SUCCESS']);
  const calls = (await request(t.http).get('/simulator/control/calls').query({ path_prefix: '/v3/pay/partner' })).body.data;
  assert.deepEqual(calls.at(-1).body, body);
  const q = await client.get(`v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}`, {
    params: { sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid },
  });
  assert.equal(q.data.trade_state, 'SUCCESS');
  assert.equal(
    (await request(t.http).get('/simulator/control/orders')).body.data.find(
      (o: { out_trade_no: string }) => o.out_trade_no === body.out_trade_no,
    ).trade_state,
    'SUCCESS',
  );

  // Refund, finished through the control API.
  const out_refund_no = outNo('R');
  await client.post('v3/refund/domestic/refunds', {
    sub_mchid: p.sub_mchid,
    out_trade_no: body.out_trade_no,
    out_refund_no,
    amount: { refund: 100, total: 100, currency: 'CNY' },
  });
  const fin = await request(t.http)
    .post('/simulator/control/refunds/finish')
    .send({ out_refund_no, sub_mchid: p.sub_mchid, status: 'SUCCESS' });
  assert.equal(fin.body.refund_status, 'SUCCESS');
  assert.equal(rx.received.length, 2);
});

test('When the control API is misused, then it answers 4xx with a code; faults, settings, probes and the clock are reachable over HTTP', async () => {
  assert.equal((await request(t.http).post('/simulator/control/pay').send({})).body.code, 'PARAM_ERROR');
  assert.equal((await request(t.http).post('/simulator/control/pay').send({ prepay_id: 'wx_nope' })).status, 404);
  assert.equal(
    (await request(t.http).post('/simulator/control/sub-merchants').send({ sp_mchid: mchid(), sub_mchid: mchid() })).status,
    404,
  );
  assert.equal(
    (
      await request(t.http)
        .post('/simulator/control/service-providers')
        .send({ sp_mchid: '1', sp_appid: 'wx1', merchant_public_key: 'nope', apiv3_key: 'short' })
    ).body.code,
    'PARAM_ERROR',
  );
  assert.equal((await request(t.http).get('/simulator/control/nope')).status, 404);

  const added = await request(t.http).post('/simulator/control/faults').send({ kind: 'http_500', count: 2, path_prefix: '/v3/refund/' });
  assert.equal(added.status, 201);
  assert.equal(added.body.remaining, 2);
  assert.equal((await request(t.http).get('/simulator/control/faults')).body.data.length, 1);
  assert.equal((await request(t.http).delete('/simulator/control/faults')).status, 204);
  assert.equal((await request(t.http).post('/simulator/control/faults').send({ kind: 'explode' })).status, 400);

  assert.deepEqual((await request(t.http).post('/simulator/control/settings').send({ refund_auto_finish_ms: 5000 })).body, {
    refund_auto_finish_ms: 5000,
  });
  assert.deepEqual((await request(t.http).post('/simulator/control/settings').send({ refund_auto_finish_ms: null })).body, {
    refund_auto_finish_ms: null,
  });
  const adv = await request(t.http).post('/simulator/control/clock/advance').send({ ms: 1000 });
  assert.equal(typeof adv.body.now, 'number');
  assert.equal((await request(t.http).post('/simulator/control/clock/flush')).status, 200);

  rx.answer = () => 401;
  const probe = await request(t.http).post('/simulator/control/probe').send({ url: rx.url });
  assert.deepEqual([probe.body.status, probe.body.probe], [401, true]);
  rx.answer = () => 200;
  assert.equal((await request(t.http).delete('/simulator/control/logs')).status, 204);
  assert.deepEqual((await request(t.http).get('/simulator/control/calls')).body.data, []);
});

test('When partnerpay runs without simulator.embedded, then nothing is mounted or bound', async () => {
  const other = await startTestApp({ simulator: { embedded: false } });
  try {
    assert.equal(other.app.container.isRegistered(TOKENS.Simulator, true), false);
    assert.equal((await request(other.http).get('/simulator/control/platform')).status, 404);
  } finally {
    await other.close();
  }
});

test('When a state directory is given, then the platform keys survive a restart (file mode 0600)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-keys-'));
  try {
    const a = new WxpaySimulator({ stateDir: dir }).platform();
    const b = new WxpaySimulator({ stateDir: dir }).platform();
    assert.deepEqual(b, a);
    assert.equal(statSync(join(dir, 'simulator-keys.json')).mode & 0o777, 0o600);
    assert.notEqual(new WxpaySimulator().platform().public_key_id, a.public_key_id);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('When a tenant definition is registered, then its outsourced apps are bound as sub_appids and centralized ones are not', async () => {
  const sim = t.app.container.resolve<WxpaySimulator>(TOKENS.Simulator);
  const { privateKey, publicKey } = merchantKeys();
  const p: TestProvider = {
    sp_mchid: mchid(),
    sp_appid: appid(),
    serial: randomBytes(20).toString('hex').toUpperCase(),
    privateKey,
    apiv3Key: randomBytes(16).toString('hex'),
    sub_mchid: mchid(),
    sub_appid: appid(),
  };
  sim.registerServiceProvider({
    sp_mchid: p.sp_mchid,
    sp_appid: p.sp_appid,
    merchant_serial_no: p.serial,
    merchant_public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    apiv3_key: p.apiv3Key,
  });
  const centralizedApp = appid();
  const out = registerTenantInSimulator(sim, {
    sp_mchid: p.sp_mchid,
    sub_mchid: p.sub_mchid,
    apps: [
      { appid: p.sub_appid, dev_mode: 'outsourced' },
      { appid: centralizedApp, dev_mode: 'centralized' },
    ],
  });
  assert.deepEqual(out.appids, [p.sub_appid]);
  const base = `${t.baseUrl}/simulator`;
  assert.equal((await signedRequest(base, p, 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(p, rx.url))).status, 200);
  const wrong = await signedRequest(
    base,
    p,
    'POST',
    '/v3/pay/partner/transactions/jsapi',
    orderBody(p, rx.url, { sub_appid: centralizedApp }),
  );
  assert.equal(wrong.json.code, 'APPID_MCHID_NOT_MATCH');
  const centralized = await signedRequest(
    base,
    p,
    'POST',
    '/v3/pay/partner/transactions/jsapi',
    orderBody(p, rx.url, { sub_appid: undefined, payer: { sp_openid: 'oCentralizedUser000000000001' } }),
  );
  assert.equal(centralized.status, 200);
});
