import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { openDatabase, type Orm } from '../../../src/app/schema';
import { ManualClock } from '../../../src/platform/clock';
import { AppError, knownAppError } from '../../../src/platform/errors/errors';
import { MemoryKeyValueStore } from '../../../src/platform/kv/memory';
import {
  parseAuthorizationHeader,
  requestMessage,
  verifySha256Rsa,
  WxpayRefusedCallError,
  WxpayTransport,
  WxpayHttpClient,
  billHashMatches,
  WxpayPlatformKeys,
  WxpayApiError,
  WxpaySignatureError,
  WxpayTransportError,
  PARTNER_ENDPOINTS_ONLY_RULE,
  closeOrder,
  createJsapiOrder,
  createRefund,
  downloadBill,
  queryOrderByOutTradeNo,
  queryRefund,
  applyTradeBill,
  type TransportOptions,
} from '@partnerpay/wxpay';
import { Database } from '../../../src/platform/db/database';
import { CertificateStore } from '../../../src/modules/wxpay-gateway/certificate-store';
import { testDatabaseUrl, uniqueMchid } from '../../support/app';
import {
  closedPortUrl,
  rsaPair,
  startFakeWxpay,
  testCredentials,
  type Answer,
  type FakeWxpay,
  type Hit,
  type Signer,
} from '../../support/wxpay-fake';

// Keys generated once for this file: the service provider's merchant key and WeChat Pay's public key.
const merchant = rsaPair();
const wechat = rsaPair();
const publicKeyId = `PUB_KEY_ID_0000000000000024${Date.now()}`;
const signer: Signer = { serial: publicKeyId, privateKey: wechat.privateKey };
const sp = testCredentials(uniqueMchid(), merchant, { mode: 'public_key', publicKeyId, publicKey: wechat.publicKey });

let orm: Orm;
let fake: FakeWxpay;
const transports: WxpayTransport[] = [];
const clock = new ManualClock();

before(async () => {
  orm = await openDatabase(testDatabaseUrl(), { migrate: false });
  fake = await startFakeWxpay(signer);
});
after(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await fake.close();
  await orm.close(true);
});

function client(opts: Partial<TransportOptions> = {}) {
  const transport = new WxpayTransport(
    {
      baseUrl: fake.url,
      connectTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      maxAttempts: 3,
      retryBudgetMs: 5000,
      userAgent: 'partnerpay-test/1',
      backoffBaseMs: 5,
      ...opts,
    },
    clock,
  );
  transports.push(transport);
  const keys = new WxpayPlatformKeys({ transport, store: new CertificateStore(new Database(orm)), kv: new MemoryKeyValueStore(), clock });
  return new WxpayHttpClient(transport, keys);
}

function script(...answers: Array<(h: Hit) => Answer>) {
  let i = 0;
  fake.hits.length = 0;
  fake.handle = (h) => answers[Math.min(i++, answers.length - 1)](h);
}

test('When an order is created, then the exact body bytes are signed with the SP mchid and the answer is verified', async () => {
  script(() => ({ status: 200, body: { prepay_id: 'wx201410272009395522657a690389285100' } }));
  const body = {
    sp_appid: sp.spAppid,
    sp_mchid: sp.spMchid,
    sub_mchid: '1900000109',
    description: 'Image形象店-深圳腾大-QQ公仔',
    out_trade_no: 'ord_123456',
    notify_url: 'https://example.com/notify',
    amount: { total: 100, currency: 'CNY' as const },
    payer: { sub_openid: 'o1' },
    sub_appid: 'wx1',
  };
  const res = await createJsapiOrder(client(), sp, body);
  assert.deepEqual(res, { prepay_id: 'wx201410272009395522657a690389285100' });

  const [hit] = fake.hits;
  assert.equal(hit.method, 'POST');
  assert.equal(hit.url, '/v3/pay/partner/transactions/jsapi');
  assert.equal(hit.body, JSON.stringify(body));
  assert.equal(hit.headers['accept'], 'application/json');
  assert.equal(hit.headers['content-type'], 'application/json');
  assert.equal(hit.headers['user-agent'], 'partnerpay-test/1');
  assert.equal(hit.headers['wechatpay-serial'], publicKeyId);
  const auth = parseAuthorizationHeader(hit.headers['authorization']);
  assert.ok(auth);
  assert.equal(auth.mchid, sp.spMchid);
  assert.equal(auth.serial_no, sp.merchantSerialNo);
  assert.equal(auth.timestamp, String(Math.floor(clock.now() / 1000)));
  assert.ok(verifySha256Rsa(requestMessage('POST', hit.url, auth.timestamp, auth.nonce_str, hit.body), auth.signature, merchant.publicKey));
});

test('When an order is queried, then sp_mchid and sub_mchid travel in the signed query string', async () => {
  script(() => ({
    status: 200,
    body: { out_trade_no: 'a|b*1', trade_state: 'NOTPAY', sp_mchid: sp.spMchid, sub_mchid: '1900000109', sp_appid: sp.spAppid },
  }));
  const tx = await queryOrderByOutTradeNo(client(), sp, '1900000109', 'a|b*1');
  assert.equal(tx.trade_state, 'NOTPAY');
  const [hit] = fake.hits;
  assert.equal(hit.method, 'GET');
  assert.equal(hit.url, `/v3/pay/partner/transactions/out-trade-no/a%7Cb*1?sp_mchid=${sp.spMchid}&sub_mchid=1900000109`);
  assert.equal(hit.body, '');
  assert.equal(hit.headers['content-type'], undefined);
  const auth = parseAuthorizationHeader(hit.headers['authorization'])!;
  assert.ok(verifySha256Rsa(requestMessage('GET', hit.url, auth.timestamp, auth.nonce_str, ''), auth.signature, merchant.publicKey));
});

test('When an order is closed, then the signed 204 with an empty body is accepted', async () => {
  script(() => ({ status: 204 }));
  await closeOrder(client(), sp, '1900000109', 'ord_123456');
  assert.equal(fake.hits[0].url, '/v3/pay/partner/transactions/out-trade-no/ord_123456/close');
  assert.deepEqual(JSON.parse(fake.hits[0].body), { sp_mchid: sp.spMchid, sub_mchid: '1900000109' });
});

test('When WeChat Pay answers 5xx twice, then an idempotent call is retried and succeeds on the third attempt', async () => {
  script(
    () => ({ status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } }),
    () => ({ status: 503, body: 'busy', sign: false }),
    () => ({ status: 200, body: { refund_id: 'r1', out_refund_no: 'rf_1', status: 'PROCESSING' } }),
  );
  const refund = await createRefund(client(), sp, {
    sub_mchid: '1900000109',
    out_trade_no: 'ord_1',
    out_refund_no: 'rf_1',
    amount: { refund: 1, total: 1, currency: 'CNY' },
  });
  assert.equal(refund.refund_id, 'r1');
  assert.equal(fake.count('/v3/refund/domestic/refunds'), 3);
  assert.equal(new Set(fake.hits.map((h) => h.body)).size, 1, 'every retry sends the same body');
  assert.equal(new Set(fake.hits.map((h) => h.headers['authorization'])).size, 3, 'every attempt is signed afresh');
});

test('When 5xx persists, then attempts stop at maxAttempts and a retryable WxpayApiError surfaces', async () => {
  script(() => ({ status: 500, body: { code: 'SYSTEMERROR', message: '系统繁忙' } }));
  const err = await queryRefund(client(), sp, '1900000109', 'rf_1').catch((e) => e);
  assert.ok(err instanceof WxpayApiError);
  assert.equal(err.code, 'SYSTEM_ERROR', 'the legacy spelling is normalised');
  assert.equal(err.rawCode, 'SYSTEMERROR');
  assert.equal(err.retryable, true);
  assert.equal(fake.hits.length, 3);
});

test('When WeChat Pay answers 4xx, then nothing is retried and the error carries status, code, message and Request-ID', async () => {
  script(() => ({
    status: 400,
    body: { code: 'PARAM_ERROR', message: '参数错误', detail: { field: '/amount/total', issue: 'must be > 0' } },
  }));
  const err = await queryRefund(client(), sp, '1900000109', 'rf_1').catch((e) => e);
  assert.equal(fake.hits.length, 1, 'exactly one request');
  assert.ok(err instanceof WxpayApiError);
  assert.equal(err.status, 400);
  assert.equal(err.code, 'PARAM_ERROR');
  assert.equal(err.signed, true);
  assert.deepEqual(err.detail, { field: '/amount/total', issue: 'must be > 0' });
  const app = knownAppError(err)!;
  assert.ok(app instanceof AppError);
  assert.equal(app.status, 502);
  assert.equal(app.code, 'UPSTREAM_ERROR');
  assert.deepEqual(app.detail, {
    retryable: false,
    upstream: { status: 400, code: 'PARAM_ERROR', message: '参数错误', request_id: 'req-1' },
  });
});

test('When a closed order is closed again after payment, then callers can switch on ORDER_PAID (legacy ORDERPAID too)', async () => {
  script(() => ({ status: 400, body: { code: 'ORDERPAID', message: '订单已支付' } }));
  const err = await closeOrder(client(), sp, '1900000109', 'ord_1').catch((e) => e);
  assert.ok(err instanceof WxpayApiError && err.code === 'ORDER_PAID' && err.is('ORDER_PAID'));
});

test('When a non-idempotent POST gets a 5xx, then it is not retried', async () => {
  script(() => ({ status: 500, body: { code: 'SYSTEM_ERROR', message: 'x' } }));
  const err = await client()
    .call(sp, { method: 'POST', path: '/v3/profitsharing/orders', body: { a: 1 } })
    .catch((e) => e);
  assert.ok(err instanceof WxpayApiError);
  assert.equal(fake.hits.length, 1);
});

test('When WeChat Pay does not answer in time, then WxpayTransportError maps to 504 UPSTREAM_TIMEOUT, retryable', async () => {
  script(() => ({ status: 200, body: {}, delayMs: 600 }));
  const err = await client({ requestTimeoutMs: 150 })
    .call(sp, { method: 'POST', path: '/v3/profitsharing/orders', body: {} })
    .catch((e) => e);
  assert.ok(err instanceof WxpayTransportError, String(err));
  assert.equal(err.kind, 'timeout');
  const app = knownAppError(err)!;
  assert.equal(app.status, 504);
  assert.equal(app.code, 'UPSTREAM_TIMEOUT');
  assert.equal(app.detail?.retryable, true);
  assert.equal(fake.hits.length, 1);
});

test('When timeouts repeat, then an idempotent call stops within the retry budget', async () => {
  script(() => ({ status: 200, body: {}, delayMs: 400 }));
  const started = Date.now();
  const err = await client({ requestTimeoutMs: 100, retryBudgetMs: 250, maxAttempts: 10 })
    .call(sp, { method: 'GET', path: '/v3/refund/domestic/refunds/x' })
    .catch((e) => e);
  assert.ok(err instanceof WxpayTransportError);
  // The attempts are what the budget bounds (without it, 10 attempts of 100 ms and their waits); the elapsed time
  // only guards against a hang: CI at load 18 once took 660 ms for this 250 ms budget.
  assert.ok(fake.hits.length >= 1 && fake.hits.length <= 3, `hits ${fake.hits.length}`);
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started}ms`);
});

test('When the primary host refuses connections, then the call fails over to the backup host', async () => {
  script(() => ({ status: 200, body: { trade_state: 'SUCCESS' } }));
  const c = client({ baseUrl: await closedPortUrl(), backupBaseUrl: fake.url, maxAttempts: 1 });
  // Counted by path: a late retry of the previous test's timed-out calls may still reach the fake.
  const mine = () => fake.hits.filter((h) => h.url.includes('ord_failover') || h.url.startsWith('/v3/profitsharing/orders')).length;
  const tx = await queryOrderByOutTradeNo(c, sp, '1900000109', 'ord_failover');
  assert.equal(tx.trade_state, 'SUCCESS');
  assert.equal(mine(), 1);
  // A non-idempotent call fails over too when nothing was sent (connection refused).
  await c.call(sp, { method: 'POST', path: '/v3/profitsharing/orders', body: {} });
  assert.equal(mine(), 2);
});

test('When no host answers, then a connect failure maps to 502 UPSTREAM_ERROR, retryable', async () => {
  const err = await client({ baseUrl: await closedPortUrl(), maxAttempts: 2 })
    .call(sp, { method: 'GET', path: '/v3/certificates' })
    .catch((e) => e);
  assert.ok(err instanceof WxpayTransportError);
  assert.equal(err.kind, 'connect');
  assert.equal(err.attempts, 2);
  const app = knownAppError(err)!;
  assert.equal(app.status, 502);
  assert.equal(app.code, 'UPSTREAM_ERROR');
  assert.equal(app.detail?.retryable, true);
});

for (const [name, answer, reason] of [
  ['unsigned', { sign: false }, 'missing_headers'],
  ['badly signed', { sign: 'bad' }, 'bad_signature'],
  ['a SIGNTEST probe', { sign: 'signtest' }, 'signtest_probe'],
  ['signed 10 minutes ago', { skewSeconds: -600 }, 'stale_timestamp'],
  [
    'signed with an unknown public key',
    { signer: { serial: 'PUB_KEY_ID_0000000000000000000000000000000001', privateKey: wechat.privateKey } },
    'unknown_serial',
  ],
  ['signed by another key under our key id', { signer: { serial: publicKeyId, privateKey: merchant.privateKey } }, 'bad_signature'],
] as const) {
  test(`When the answer is ${name}, then it is refused with WxpaySignatureError (${reason})`, async () => {
    script(() => ({ status: 200, body: { trade_state: 'SUCCESS' }, ...answer }));
    const err = await queryOrderByOutTradeNo(client(), sp, '1900000109', 'ord_1').catch((e) => e);
    assert.ok(err instanceof WxpaySignatureError, String(err));
    assert.equal(err.reason, reason);
    assert.equal(knownAppError(err)!.code, 'UPSTREAM_ERROR');
    assert.equal(fake.hits.length, 1);
  });
}

test('When an error answer carries a bad signature, then it is refused rather than trusted', async () => {
  script(() => ({ status: 400, body: { code: 'ORDER_PAID', message: 'x' }, sign: 'bad' }));
  const err = await closeOrder(client(), sp, '1900000109', 'ord_1').catch((e) => e);
  assert.ok(err instanceof WxpaySignatureError);
});

test('When a direct-merchant payment endpoint is called, then 422 SECONDARY_CLEARING_FORBIDDEN before any network I/O', async () => {
  script(() => ({ status: 200, body: {} }));
  const c = client();
  for (const path of [
    '/v3/pay/transactions/jsapi',
    '/v3/pay/transactions/out-trade-no/1217752501201407033233368018',
    '/V3/PAY/TRANSACTIONS/id/4200000001',
    '/v3/pay/transactions',
  ]) {
    const err = knownAppError(await c.call(sp, { method: 'POST', path, body: { mchid: sp.spMchid } }).catch((e) => e))!;
    assert.ok(err instanceof AppError, path);
    assert.equal(err.status, 422);
    assert.equal(err.code, 'SECONDARY_CLEARING_FORBIDDEN');
    assert.equal(err.detail?.rule, PARTNER_ENDPOINTS_ONLY_RULE);
    assert.match(err.message, /二清/);
  }
  // Walking around the prefix with dot segments is refused as well.
  for (const path of [
    '/v3/pay/partner/../transactions/jsapi',
    '/v3/pay//transactions/jsapi',
    '/v3/pay/partner/%2e%2e/transactions/jsapi',
  ]) {
    await assert.rejects(c.call(sp, { method: 'POST', path, body: {} }), (e) => knownAppError(e)?.code === 'INTERNAL_ERROR', path);
  }
  assert.equal(PARTNER_ENDPOINTS_ONLY_RULE, 'partner_endpoints_only');
  assert.equal(fake.hits.length, 0, 'no request left the process');
});

test('When a bill is applied for and downloaded, then the unsigned file is accepted and its SHA1 checks (gzip too)', async () => {
  const csv = Buffer.from('\ufeff交易时间,公众账号ID\n`2019-02-19 05:01:46,`wxab8acd895ab1638a\n', 'utf8');
  const sha1 = createHash('sha1').update(csv).digest('hex');
  script(
    () => ({ status: 200, body: { hash_type: 'SHA1', hash_value: sha1, download_url: `${fake.url}/v3/billdownload/file?token=tok123` } }),
    () => ({ status: 200, body: csv, headers: { 'Content-Type': 'application/octet-stream' }, sign: false }),
  );
  const c = client();
  const bill = await applyTradeBill(c, sp, { bill_date: '2024-06-01', bill_type: 'ALL' });
  assert.equal(fake.hits[0].url, '/v3/bill/tradebill?bill_date=2024-06-01&bill_type=ALL');
  const file = await downloadBill(c, sp, bill.download_url);
  assert.equal(fake.hits[1].url, '/v3/billdownload/file?token=tok123');
  assert.ok(parseAuthorizationHeader(fake.hits[1].headers['authorization']), 'the download request is signed');
  assert.deepEqual(file.body, csv);
  assert.ok(billHashMatches(file.body, bill.hash_type, bill.hash_value));
  assert.ok(!billHashMatches(Buffer.concat([file.body, Buffer.from('x')]), bill.hash_type, bill.hash_value));
  assert.ok(billHashMatches(gzipSync(csv), 'SHA1', sha1.toUpperCase(), { gzip: true }));
});

test('When a download URL points outside the configured hosts, then no signed request is sent there', async () => {
  script(() => ({ status: 200, body: 'x', sign: false }));
  await assert.rejects(downloadBill(client(), sp, 'https://evil.example.com/v3/billdownload/file?token=t'), WxpayRefusedCallError);
  await assert.rejects(downloadBill(client(), sp, `${fake.url}/v3/pay/partner/transactions/jsapi`), WxpayRefusedCallError);
  assert.equal(fake.hits.length, 0);
});
