import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { aProvider, orderBody, pluginClient, Receiver, signedRequest, startSim, v3, type RunningSim, type TestProvider } from './harness';

let s: RunningSim;
let rx: Receiver;
let p: TestProvider;
before(async () => {
  s = await startSim();
  rx = await new Receiver().start();
  p = aProvider(s.sim);
});
after(async () => {
  await s.close();
  await rx.close();
});
beforeEach(() => s.sim.clearFaults());

const JSAPI = '/v3/pay/partner/transactions/jsapi';

test('When http_500 is injected, then the next call answers 500 SYSTEM_ERROR without doing the work, and the retry with the same body succeeds', async () => {
  s.sim.fault({ kind: 'http_500' });
  const body = orderBody(p, rx.url);
  const failed = await signedRequest(s.baseUrl, p, 'POST', JSAPI, body);
  assert.equal(failed.status, 500);
  assert.equal(failed.json.code, 'SYSTEM_ERROR');
  assert.throws(() => s.sim.order({ sub_mchid: p.sub_mchid, out_trade_no: body.out_trade_no as string }), /no such order/);
  const retried = await signedRequest(s.baseUrl, p, 'POST', JSAPI, body);
  assert.equal(retried.status, 200);
  assert.deepEqual(
    s.sim
      .calls()
      .slice(-2)
      .map((c) => c.status),
    [500, 200],
  );
  assert.deepEqual(s.sim.faults(), []);
});

test('When http_500 targets a path prefix twice, then only matching calls fail, twice', async () => {
  s.sim.fault({ kind: 'http_500', count: 2, path_prefix: '/v3/refund/' });
  assert.equal((await signedRequest(s.baseUrl, p, 'POST', JSAPI, orderBody(p, rx.url))).status, 200);
  const refund = () => signedRequest(s.baseUrl, p, 'GET', `/v3/refund/domestic/refunds/NOPE?sub_mchid=${p.sub_mchid}`);
  assert.equal((await refund()).status, 500);
  assert.equal((await refund()).status, 500);
  assert.equal((await refund()).status, 404);
});

test('When a timeout is injected, then the client gets no answer; the order was still created, so the retry gets the same prepay_id', async () => {
  s.sim.fault({ kind: 'timeout', hang_ms: 2_000 });
  const body = orderBody(p, rx.url);
  await assert.rejects(signedRequestWithTimeout(body, 300));
  const created = s.sim.order({ sub_mchid: p.sub_mchid, out_trade_no: body.out_trade_no as string });
  assert.equal(created.trade_state, 'NOTPAY');
  const retried = await signedRequest(s.baseUrl, p, 'POST', JSAPI, body);
  assert.equal(retried.status, 200);
  assert.equal(s.sim.orders().find((o) => o.out_trade_no === body.out_trade_no)?.prepay_id, retried.json.prepay_id);
});

test('When a timeout with processed=false is injected, then nothing was created', async () => {
  s.sim.fault({ kind: 'timeout', hang_ms: 2_000, processed: false });
  const body = orderBody(p, rx.url);
  await assert.rejects(signedRequestWithTimeout(body, 300));
  assert.throws(() => s.sim.order({ sub_mchid: p.sub_mchid, out_trade_no: body.out_trade_no as string }), /no such order/);
});

test('When a bad signature is injected, then the plugin refuses the response (EV3_RES_HEADER_SIGNATURE_DIGEST); the next one verifies', async () => {
  const platform = s.sim.platform();
  const client = v3(pluginClient(p, s.baseUrl, { [platform.public_key_id]: platform.public_key_pem }));
  s.sim.fault({ kind: 'bad_signature' });
  await assert.rejects(
    client.post('v3/pay/partner/transactions/jsapi', orderBody(p, rx.url)),
    (e: { code?: string }) => e.code === 'EV3_RES_HEADER_SIGNATURE_DIGEST',
  );
  assert.equal((await client.post('v3/pay/partner/transactions/jsapi', orderBody(p, rx.url))).status, 200);
});

test('When clock skew is injected, then Wechatpay-Timestamp is off by that much and the plugin refuses it (EV3_RES_HEADER_TIMESTAMP_OFFSET)', async () => {
  const platform = s.sim.platform();
  const client = v3(pluginClient(p, s.baseUrl, { [platform.public_key_id]: platform.public_key_pem }));
  s.sim.fault({ kind: 'clock_skew', skew_seconds: 900 });
  await assert.rejects(
    client.post('v3/pay/partner/transactions/jsapi', orderBody(p, rx.url)),
    (e: { code?: string }) => e.code === 'EV3_RES_HEADER_TIMESTAMP_OFFSET',
  );
  s.sim.fault({ kind: 'clock_skew', skew_seconds: -900 });
  const raw = await signedRequest(s.baseUrl, p, 'POST', JSAPI, orderBody(p, rx.url));
  assert.ok(Math.abs(Number(raw.headers.get('wechatpay-timestamp')) - (Math.floor(Date.now() / 1000) - 900)) <= 2);
});

test('When a fault is malformed, then the simulator refuses it', () => {
  assert.throws(() => s.sim.fault({ kind: 'nope' } as never), /kind must be one of/);
  assert.throws(() => s.sim.fault({ kind: 'duplicate_notifications' } as never), /times/);
  assert.throws(() => s.sim.fault({ kind: 'http_500', path_prefix: 'v3' }), /path_prefix/);
});

async function signedRequestWithTimeout(body: Record<string, unknown>, ms: number): Promise<void> {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), ms);
  try {
    // The harness's fetch has no signal; race it against the timeout like a client with a deadline.
    await Promise.race([
      signedRequest(s.baseUrl, p, 'POST', JSAPI, body),
      new Promise((_, reject) => ac.signal.addEventListener('abort', () => reject(new Error('client timeout')))),
    ]);
  } finally {
    clearTimeout(t);
  }
}
