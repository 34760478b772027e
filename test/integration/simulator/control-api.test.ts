import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { aProvider, merchantKeys, orderBody, Receiver, signedRequest, startSim, type RunningSim } from './harness';
import { control } from '../../support/standalone-simulator';

// The control API as a test suite drives it over HTTP: bad bodies are refused naming the field, faults
// (latency, dropped notifications) act, reset forgets, logs stay capped.
let s: RunningSim;
let rx: Receiver;
before(async () => {
  s = await startSim({ scheduler: 'manual' });
  rx = await new Receiver().start();
});
after(async () => {
  await s.close();
  await rx.close();
});

test('When a control body breaks its schema, then 400 PARAM_ERROR whose message and detail name the field, and nothing is registered', async () => {
  const cases: Array<[string, unknown, string]> = [
    [
      '/service-providers',
      { sp_mchid: '1900000100', sp_appid: 'wx1234567890abcdef', merchant_public_key: 'nope', apiv3_key: 'k'.repeat(32) },
      '/merchant_public_key',
    ],
    [
      '/service-providers',
      { sp_mchid: '1900000100', sp_appid: 'wx1234567890abcdef', merchant_public_key: '-----BEGIN PUBLIC KEY-----', apiv3_key: 'short' },
      '/apiv3_key',
    ],
    ['/sub-merchants', { sp_mchid: '1900000100', sub_mchid: 'abc' }, '/sub_mchid'],
    ['/sub-merchants', { sp_mchid: '1900000100', sub_mchid: '1900000101', appids: ['notanappid'] }, '/appids/0'],
    ['/pay', {}, '/prepay_id'],
    ['/pay', { prepay_id: 'wx1', outcome: 'MAYBE' }, '/outcome'],
    ['/refunds/finish', { out_refund_no: 'R1', sub_mchid: '1900000101', status: 'DONE' }, '/status'],
    ['/clock/advance', { ms: -1 }, '/ms'],
    ['/probe', { url: 'ftp://example.com' }, '/url'],
    ['/apps', { appid: 'wx1234567890abcdef' }, '/secret'],
  ];
  for (const [path, body, field] of cases) {
    const res = await control(s.baseUrl, 'POST', path, body);
    assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
    assert.equal(res.body.code, 'PARAM_ERROR');
    assert.equal(res.body.detail.field, field, `${path}: ${res.body.message}`);
    assert.ok(res.body.message.startsWith(`${field}: `), res.body.message);
    // In-process (how an embedding host such as partnerpay's demo registers): the same routes, the same answer.
    assert.deepEqual(await s.sim.control('POST', path, body), { status: 400, body: res.body });
  }
  assert.equal((await s.sim.control('POST', '/no-such-route', {})).status, 404);
  assert.equal(s.sim.orders().length, 0);
  const notJson = await fetch(`${s.baseUrl}/control/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"a":',
  });
  assert.equal(notJson.status, 400);
});

test('When a latency fault is injected, then the next answer comes after delay_ms and the request is processed', async () => {
  const p = aProvider(s.sim);
  const fault = await control(s.baseUrl, 'POST', '/faults', { kind: 'latency', delay_ms: 300, path_prefix: '/v3/pay/' });
  assert.equal(fault.status, 201, JSON.stringify(fault.body));
  const started = performance.now();
  const res = await signedRequest(s.baseUrl, p, 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(p, rx.url));
  assert.equal(res.status, 200);
  assert.ok(performance.now() - started >= 290, 'the answer waited');
  assert.equal((await control(s.baseUrl, 'POST', '/faults', { kind: 'latency', delay_ms: 60_001 })).body.code, 'PARAM_ERROR');
});

test('When a drop_notifications fault is injected, then the payment notification is never sent (no retry) and the deliveries log says so', async () => {
  const p = aProvider(s.sim);
  assert.equal(
    (await control(s.baseUrl, 'POST', '/faults', { kind: 'drop_notifications', event_type: 'TRANSACTION.SUCCESS' })).status,
    201,
  );
  const body = orderBody(p, rx.url);
  const created = await signedRequest(s.baseUrl, p, 'POST', '/v3/pay/partner/transactions/jsapi', body);
  const before = rx.received.length;
  assert.equal((await control(s.baseUrl, 'POST', '/pay', { prepay_id: created.json.prepay_id })).status, 200);
  await s.sim.advance(24 * 3_600_000);
  assert.equal(rx.received.length, before, 'nothing arrived, not even a retry a day later');
  const dropped = (await control(s.baseUrl, 'GET', '/deliveries')).body.data.filter((d: { error?: string }) =>
    d.error?.startsWith('dropped'),
  );
  assert.equal(dropped.length, 1);
  const q = await signedRequest(
    s.baseUrl,
    p,
    'GET',
    `/v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`,
  );
  assert.equal(q.json.trade_state, 'SUCCESS', 'a query finds the payment');
});

test('When the call log passes 1000 entries, then it keeps the newest 1000', async () => {
  await control(s.baseUrl, 'DELETE', '/logs');
  for (let i = 0; i < 1005; i += 67)
    await Promise.all(Array.from({ length: Math.min(67, 1005 - i) }, (_, k) => fetch(`${s.baseUrl}/v3/certificates?n=${i + k}`)));
  const calls = s.sim.calls();
  assert.equal(calls.length, 1000);
  assert.ok(!calls.some((c) => c.query.n === '0'), 'the oldest went first');
});

test('When POST /control/reset is called, then orders, merchants, faults and logs are forgotten and the platform keys stay', async () => {
  const p = aProvider(s.sim);
  await signedRequest(s.baseUrl, p, 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(p, rx.url));
  await control(s.baseUrl, 'POST', '/faults', { kind: 'http_500', count: 5 });
  const keyId = s.sim.platform().public_key_id;
  assert.equal((await control(s.baseUrl, 'POST', '/reset')).status, 204);
  assert.deepEqual([s.sim.orders(), s.sim.faults(), s.sim.calls()], [[], [], []]);
  assert.equal(s.sim.platform().public_key_id, keyId);
  const unknown = await signedRequest(s.baseUrl, p, 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(p, rx.url));
  assert.equal(unknown.status, 401, 'the provider is forgotten');
  // Registered again, everything works as on a fresh simulator.
  const again = aProvider(s.sim);
  assert.equal((await signedRequest(s.baseUrl, again, 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(again, rx.url))).status, 200);
});

test('When two suites use namespaces of one simulator, then each has its own merchants, orders, faults and reset, under the same platform keys', async () => {
  const a = `${s.baseUrl}/ns/suite-a`;
  const b = `${s.baseUrl}/ns/suite-b`;
  const p = aProvider(s.sim);
  const registration = {
    sp_mchid: p.sp_mchid,
    sp_appid: p.sp_appid,
    merchant_serial_no: p.serial,
    merchant_public_key: merchantKeys().publicKey.export({ type: 'spki', format: 'pem' }),
    apiv3_key: p.apiv3Key,
  };
  for (const ns of [a, b]) {
    assert.equal((await control(ns, 'POST', '/service-providers', registration)).status, 200);
    assert.equal(
      (await control(ns, 'POST', '/sub-merchants', { sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid, appids: [p.sub_appid] })).status,
      200,
    );
    assert.equal((await control(ns, 'GET', '/platform')).body.public_key_id, s.sim.platform().public_key_id);
  }
  const body = orderBody(p, rx.url);
  assert.equal((await signedRequest(a, p, 'POST', '/v3/pay/partner/transactions/jsapi', body)).status, 200);
  const query = `/v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`;
  assert.equal((await signedRequest(b, p, 'GET', query)).status, 404, 'suite-b does not see suite-a’s order');
  assert.equal((await control(b, 'POST', '/faults', { kind: 'http_500' })).status, 201);
  assert.equal((await signedRequest(a, p, 'GET', query)).status, 200, 'suite-b’s fault does not touch suite-a');
  assert.equal((await control(b, 'POST', '/reset')).status, 204);
  assert.equal((await signedRequest(a, p, 'GET', query)).json.trade_state, 'NOTPAY', 'suite-b’s reset keeps suite-a’s order');
  assert.ok(!s.sim.orders().some((o) => o.out_trade_no === body.out_trade_no), 'the root namespace saw none of it');
  const bad = await fetch(`${s.baseUrl}/ns/${'x'.repeat(65)}/control/platform`);
  assert.equal(bad.status, 400);
});
