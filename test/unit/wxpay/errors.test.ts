import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadPrivateKey,
  WxpayApiError,
  WxpayDecryptionError,
  WxpayMalformedError,
  WxpaySignatureError,
  WxpayTransportError,
  assertPartnerEndpoint,
  PARTNER_ENDPOINTS_ONLY_RULE,
  signRequest,
  queryString,
  type ServiceProviderCredentials,
} from '@partnerpay/wxpay';
import { AppError, knownAppError } from '../../../src/platform/errors/errors';

test('Transport errors map to 504 UPSTREAM_TIMEOUT for timeouts and 502 otherwise, always retryable', () => {
  const t = knownAppError(new WxpayTransportError('timeout', 'x'))!;
  assert.deepEqual([t.status, t.code, t.detail?.retryable], [504, 'UPSTREAM_TIMEOUT', true]);
  for (const kind of ['connect', 'network'] as const) {
    const e = knownAppError(new WxpayTransportError(kind, 'x'))!;
    assert.deepEqual([e.status, e.code, e.detail?.retryable], [502, 'UPSTREAM_ERROR', true]);
  }
});

test('API errors are 502 UPSTREAM_ERROR with detail.upstream; retryable only for 5xx and the transient codes', () => {
  const cases: Array<[number, string, boolean]> = [
    [500, 'SYSTEM_ERROR', true],
    [502, 'HTTP_502', true],
    [429, 'FREQUENCY_LIMITED', true],
    [429, 'RATELIMIT_EXCEED', true],
    [500, 'BANK_ERROR', true],
    [400, 'PARAM_ERROR', false],
    [401, 'SIGN_ERROR', false],
    [403, 'NO_AUTH', false],
    [404, 'ORDER_NOT_EXIST', false],
    [400, 'ORDER_PAID', false],
  ];
  for (const [status, code, retryable] of cases) {
    const err = new WxpayApiError(status, code.startsWith('HTTP_') ? {} : { code, message: 'm' }, 'rid-1');
    assert.equal(err.retryable, retryable, code);
    const app = knownAppError(err)!;
    assert.equal(app.status, 502);
    assert.equal(app.code, 'UPSTREAM_ERROR');
    assert.equal((app.detail?.upstream as { status: number }).status, status);
    assert.equal((app.detail?.upstream as { request_id: string }).request_id, 'rid-1');
  }
  assert.equal(new WxpayApiError(400, { code: 'RATELIMIT_EXCEED' }).code, 'RATELIMIT_EXCEEDED');
  assert.equal(new WxpayApiError(404, { code: 'ORDERNOTEXIST' }).code, 'ORDER_NOT_EXIST');
});

test('Every wxpay error is convertible, so the error middleware can answer it', () => {
  for (const e of [
    new WxpayTransportError('network', 'x'),
    new WxpayApiError(400, {}),
    new WxpaySignatureError('bad_signature'),
    new WxpayMalformedError('x'),
    new WxpayDecryptionError('x'),
  ]) {
    assert.ok(knownAppError(e));
    assert.ok(knownAppError(e)! instanceof AppError);
  }
  assert.equal(knownAppError(new WxpaySignatureError('signtest_probe'))!.detail?.retryable, true);
  assert.equal(knownAppError(new WxpaySignatureError('bad_signature'))!.detail?.retryable, false);
});

test('The partner guard lets partner endpoints through and refuses direct-merchant payment endpoints', () => {
  for (const p of [
    '/v3/pay/partner/transactions/jsapi',
    '/v3/pay/partner/transactions/out-trade-no/x/close',
    '/v3/refund/domestic/refunds',
    '/v3/certificates',
    '/v3/bill/tradebill',
    '/v3/billdownload/file?token=a.b',
  ]) {
    assert.doesNotThrow(() => assertPartnerEndpoint(p), p);
  }
  assert.throws(
    () => assertPartnerEndpoint('/v3/pay/transactions/native'),
    (e: unknown) => {
      const a = knownAppError(e);
      return a?.status === 422 && a.code === 'SECONDARY_CLEARING_FORBIDDEN' && a.detail?.rule === PARTNER_ENDPOINTS_ONLY_RULE;
    },
  );
  for (const p of ['v3/pay/partner/transactions/jsapi', '/v3/pay/partner/./transactions', '/v3/a/..', '/v3/pay\\transactions/jsapi'])
    assert.throws(
      () => assertPartnerEndpoint(p),
      (e: unknown) => knownAppError(e)?.code === 'INTERNAL_ERROR',
      p,
    ); // Percent-escapes are decoded (repeatedly) before matching: what the server would route is what is checked.
  for (const p of [
    '/v3/pay/%74ransactions/native',
    '/v3/pay/%2574ransactions/jsapi',
    '/v3/pay/transactions%2Fnative',
    '/v3/PAY/%54RANSACTIONS/h5',
  ])
    assert.throws(
      () => assertPartnerEndpoint(p),
      (e: unknown) => knownAppError(e)?.code === 'SECONDARY_CLEARING_FORBIDDEN',
      p,
    );
  for (const p of ['/v3/pay/%ZZ', '/v3/%252e%252e/pay/transactions/jsapi'])
    assert.throws(
      () => assertPartnerEndpoint(p),
      (e: unknown) => knownAppError(e)?.code === 'INTERNAL_ERROR',
      p,
    );
  assert.doesNotThrow(() => assertPartnerEndpoint('/v3/pay/partner/transactions/out-trade-no/A%7CB*1/close'));
});

test('signRequest reproduces the published partner GET vector byte for byte', () => {
  const vectors = JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', '..', 'packages', 'wxpay', 'test', 'fixtures', 'wxpay-apiv3.vectors.json'), 'utf8'),
  );
  const v = vectors.sign.find((x: { method?: string; url?: string }) => x.method === 'GET' && x.url?.includes('?'));
  const sp = {
    spMchid: '1230000109',
    merchantSerialNo: 'SERIAL',
    merchantPrivateKey: loadPrivateKey(vectors.keys[v.key]),
  } as ServiceProviderCredentials;
  const header = signRequest(sp, v.method, v.url, v.body, Number(v.timestamp), v.nonce);
  assert.equal(
    header,
    `WECHATPAY2-SHA256-RSA2048 mchid="1230000109",nonce_str="${v.nonce}",timestamp="${v.timestamp}",serial_no="SERIAL",signature="${v.signature}"`,
  );
  const [path, query] = v.url.split('?');
  assert.equal(path + queryString(Object.fromEntries(new URLSearchParams(query))), v.url);
});
