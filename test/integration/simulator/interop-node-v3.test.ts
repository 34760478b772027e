import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Pay from 'wechatpay-node-v3';
import { aRemoteProvider, orderBody, outNo, Receiver, type TestProvider } from './harness';
import { RemoteSimulator, startStandaloneSimulator, type StandaloneSimulator } from '../../support/standalone-simulator';

// A second independent implementation, wechatpay-node-v3 (besides wechatpay-axios-plugin in interop.test.ts): it signs
// with its own getSignature/getAuthorization, downloads and decrypts /v3/certificates itself, verifies answers and
// notifications with verifySign and decrypts resources with decipher_gcm. It is written for api.mch.weixin.qq.com, so
// its HTTP service is swapped for one that sends the same signed requests to the simulator: the standalone package,
// started by its bin on a free port and driven through its control API.

const WXPAY = 'https://api.mch.weixin.qq.com';
let standalone: StandaloneSimulator;
let s: { baseUrl: string; sim: RemoteSimulator };
let platform: Awaited<ReturnType<RemoteSimulator['platform']>>;
let rx: Receiver;
before(async () => {
  standalone = await startStandaloneSimulator(['--state', '']);
  s = { baseUrl: standalone.baseUrl, sim: new RemoteSimulator(standalone.baseUrl) };
  platform = await s.sim.platform();
  rx = await new Receiver().start();
});
after(async () => {
  if (standalone) assert.equal(await standalone.stop(), 0, 'the bin stops cleanly on SIGTERM');
  await rx?.close();
});

interface Answer {
  status: number;
  data: Record<string, unknown> & { code?: string; message?: string };
  headers: Headers;
  text: string;
}

/** What the SDK's HTTP service does, against the simulator: the SDK computed the Authorization for the WeChat Pay URL. */
async function send(url: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const res = await fetch(url.replace(WXPAY, s.baseUrl), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : {}, headers: res.headers, text };
}

function sdkFor(p: TestProvider, serial = p.serial): Pay {
  const sdk = new Pay({
    appid: p.sp_appid,
    mchid: p.sp_mchid,
    serial_no: serial,
    // Used only to derive serial_no when none is given; the SDK wants a Buffer.
    publicKey: Buffer.from(''),
    privateKey: Buffer.from(p.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    key: p.apiv3Key,
  });
  sdk.createHttp({
    post: (url, params, headers) => send(url, headers, params) as never,
    get: (url, headers) => send(url, headers) as never,
    upload: () => Promise.reject(new Error('not used')),
  });
  return sdk;
}

/** Signs a partner call with the SDK's own primitives (it has no partner-mode order API). */
async function call(sdk: Pay, method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<Answer> {
  const nonce = Math.random().toString(36).slice(2, 17);
  const ts = String(Math.floor(Date.now() / 1000));
  const authorization = sdk.getAuthorization(nonce, ts, sdk.getSignature(method, nonce, ts, path, body));
  return send(
    `${WXPAY}${path}`,
    { Accept: 'application/json', 'User-Agent': 'wechatpay-node-v3 interop test', Authorization: authorization },
    body,
  );
}

const verifies = (sdk: Pay, p: TestProvider, headers: Headers | Record<string, string | string[] | undefined>, body: string) => {
  const h = (k: string) => String(headers instanceof Headers ? headers.get(k) : headers[k]);
  return sdk.verifySign({
    timestamp: h('wechatpay-timestamp'),
    nonce: h('wechatpay-nonce'),
    serial: h('wechatpay-serial'),
    signature: h('wechatpay-signature'),
    body,
    apiSecret: p.apiv3Key,
  });
};

test('When wechatpay-node-v3 (certificate mode) orders, is paid and refunds, then it verifies every answer and notification and decrypts them', async () => {
  const p = await aRemoteProvider(s.sim, 'certificate');
  const sdk = sdkFor(p);
  const body = orderBody(p, rx.url);

  const created = await call(sdk, 'POST', '/v3/pay/partner/transactions/jsapi', body);
  assert.equal(created.status, 200, created.text);
  assert.match(String(created.data.prepay_id), /^wx\d{14}[0-9a-f]{20}$/);
  // verifySign downloads /v3/certificates through the SDK (signed GET), decrypts them with the APIv3 key, then verifies.
  assert.equal(created.headers.get('wechatpay-serial'), platform.certificate_serial);
  assert.equal(await verifies(sdk, p, created.headers, created.text), true);

  const query = `/v3/pay/partner/transactions/out-trade-no/${String(body.out_trade_no)}?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`;
  const unpaid = await call(sdk, 'GET', query);
  assert.equal(unpaid.data.trade_state, 'NOTPAY');
  assert.equal(await verifies(sdk, p, unpaid.headers, unpaid.text), true);

  await s.sim.pay({ prepay_id: String(created.data.prepay_id) });
  const n = rx.received.at(-1)!;
  assert.equal(await verifies(sdk, p, n.headers, n.body), true);
  const envelope = JSON.parse(n.body) as { resource: { ciphertext: string; associated_data: string; nonce: string } };
  const tx = sdk.decipher_gcm<Record<string, unknown>>(
    envelope.resource.ciphertext,
    envelope.resource.associated_data,
    envelope.resource.nonce,
  );
  assert.equal(tx.trade_state, 'SUCCESS');
  assert.equal(tx.out_trade_no, body.out_trade_no);

  // The SDK's own refunds() (the same path serves partner refunds, with sub_mchid in the body).
  const out_refund_no = outNo('R');
  const refund = (await sdk.refunds({
    sub_mchid: p.sub_mchid,
    transaction_id: String(tx.transaction_id),
    out_refund_no,
    amount: { refund: 30, total: 100, currency: 'CNY' },
  } as never)) as unknown as Answer;
  assert.equal(refund.status, 200, refund.text);
  assert.equal(refund.data.status, 'PROCESSING');
  assert.equal(await verifies(sdk, p, refund.headers, refund.text), true);
  await s.sim.finishRefund({ out_refund_no, sub_mchid: p.sub_mchid, status: 'SUCCESS' });
  const rn = rx.received.at(-1)!;
  assert.equal(await verifies(sdk, p, rn.headers, rn.body), true, 'the SDK verifies REFUND.SUCCESS');
  const renv = JSON.parse(rn.body) as { event_type: string; resource: { ciphertext: string; associated_data: string; nonce: string } };
  assert.equal(renv.event_type, 'REFUND.SUCCESS');
  const rres = sdk.decipher_gcm<Record<string, unknown>>(renv.resource.ciphertext, renv.resource.associated_data, renv.resource.nonce);
  assert.equal(rres.out_refund_no, out_refund_no);

  // The day's trade bill, applied for and downloaded with the SDK's signatures.
  const billDate = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const bill = await call(sdk, 'GET', `/v3/bill/tradebill?bill_date=${billDate}&sub_mchid=${p.sub_mchid}&bill_type=ALL`);
  assert.equal(bill.status, 200, bill.text);
  assert.equal(await verifies(sdk, p, bill.headers, bill.text), true);
  const u = new URL(String(bill.data.download_url));
  const nonce = Math.random().toString(36).slice(2, 17);
  const ts = String(Math.floor(Date.now() / 1000));
  const authorization = sdk.getAuthorization(nonce, ts, sdk.getSignature('GET', nonce, ts, `${u.pathname}${u.search}`));
  const file = await fetch(`${s.baseUrl}${u.pathname}${u.search}`, {
    headers: { Authorization: authorization, Accept: '*/*', 'User-Agent': 'node-v3' },
  });
  assert.equal(file.status, 200);
  const csv = await file.text();
  assert.ok(csv.includes(`\`${String(tx.transaction_id)}`), 'the paid order is a row of the bill');
  assert.ok(csv.includes(`\`${out_refund_no}`), 'and so is its refund');
});

test('When wechatpay-node-v3 closes an unpaid order, then 204 with a signed empty answer, and the order queries CLOSED', async () => {
  const p = await aRemoteProvider(s.sim, 'certificate');
  const sdk = sdkFor(p);
  const body = orderBody(p, rx.url);
  assert.equal((await call(sdk, 'POST', '/v3/pay/partner/transactions/jsapi', body)).status, 200);
  const path = `/v3/pay/partner/transactions/out-trade-no/${String(body.out_trade_no)}`;
  const closed = await call(sdk, 'POST', `${path}/close`, { sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid });
  assert.equal(closed.status, 204);
  assert.equal(await verifies(sdk, p, closed.headers, closed.text), true);
  const q = await call(sdk, 'GET', `${path}?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`);
  assert.equal(q.data.trade_state, 'CLOSED');
});

test('When the serial_no is lower-case (as wechatpay-node-v3 derives it from a certificate), then 401 SIGN_ERROR like WeChat Pay', async () => {
  const p = await aRemoteProvider(s.sim, 'certificate');
  // The SDK's getSN (via @fidm/x509) gives the certificate serial in lower-case hex; WeChat Pay wants it as issued.
  assert.equal(
    new Pay({ appid: 'x', mchid: 'x', publicKey: Buffer.from(platform.certificate_pem), privateKey: Buffer.from('') }).getSN(),
    platform.certificate_serial.toLowerCase(),
  );

  const lower = await call(sdkFor(p, p.serial.toLowerCase()), 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(p, rx.url));
  assert.equal(lower.status, 401);
  assert.deepEqual(lower.data, { code: 'SIGN_ERROR', message: '商户证书序列号有误。' });
  const upper = await call(sdkFor(p), 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(p, rx.url));
  assert.equal(upper.status, 200);
});

test('When a field breaks a rule, then PARAM_ERROR in Chinese, its detail naming the field, the location and the value', async () => {
  const p = await aRemoteProvider(s.sim, 'certificate');
  const longNo = 'A'.repeat(33);
  const res = await call(sdkFor(p), 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(p, rx.url, { out_trade_no: longNo }));
  assert.equal(res.status, 400);
  assert.equal(res.data.code, 'PARAM_ERROR');
  assert.deepEqual(
    { ...(res.data.detail as Record<string, unknown>), issue: undefined },
    { field: '/out_trade_no', location: 'body', value: longNo, issue: undefined },
  );
  assert.match(String(res.data.message), /^输入源“\/body\/out_trade_no”映射到值字段“out_trade_no”/);
  const missing = await call(sdkFor(p), 'POST', '/v3/pay/partner/transactions/jsapi', orderBody(p, rx.url, { description: undefined }));
  assert.equal(missing.data.message, '输入源“/body/description”映射到值字段“description”必填性规则校验失败，此字段为必填项');
  assert.equal((missing.data.detail as Record<string, unknown>).value, undefined);
  const zero = await call(
    sdkFor(p),
    'POST',
    '/v3/pay/partner/transactions/jsapi',
    orderBody(p, rx.url, { amount: { total: 0, currency: 'CNY' } }),
  );
  assert.deepEqual(
    [(zero.data.detail as Record<string, unknown>).field, (zero.data.detail as Record<string, unknown>).value],
    ['/amount/total', 0],
  );
  assert.match(String(zero.data.message), /小于最小值 1/);
  assert.doesNotMatch(`${res.text}${missing.text}${zero.text}`, /Too small|Too big|Invalid|expected/);
});
