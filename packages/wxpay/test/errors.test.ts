import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertPartnerEndpoint,
  isUpstream,
  PARTNER_ENDPOINTS_ONLY_RULE,
  upstreamCode,
  WxpayApiError,
  WxpayKeysUnavailableError,
  WxpayRefusedCallError,
  WxpayTransportError,
} from '../src';

test('isUpstream and upstreamCode answer "is this WeChat Pay error X", legacy spellings included', () => {
  const paid = new WxpayApiError(400, { code: 'ORDERPAID', message: '订单已支付' }, 'REQ-1', true);
  assert.equal(upstreamCode(paid), 'ORDER_PAID');
  assert.equal(isUpstream(paid, 'ORDER_CLOSED', 'ORDER_PAID'), true);
  assert.equal(isUpstream(paid, 'ORDER_CLOSED'), false);
  assert.equal(isUpstream(new Error('ORDER_PAID'), 'ORDER_PAID'), false);
  assert.equal(upstreamCode(new WxpayTransportError('timeout', 'slow')), undefined);
});

test("Each error's problem() suggests a stable code and whether the same request may be retried", () => {
  assert.deepEqual(
    [new WxpayTransportError('timeout', 'x').problem().code, new WxpayTransportError('connect', 'x').problem().detail?.retryable],
    ['UPSTREAM_TIMEOUT', true],
  );
  assert.equal(new WxpayApiError(500, { code: 'SYSTEM_ERROR' }).problem().detail?.retryable, true);
  assert.equal(new WxpayApiError(400, { code: 'PARAM_ERROR' }).problem().detail?.retryable, false);
  assert.equal(new WxpayKeysUnavailableError('no certificate yet').problem().code, 'SERVICE_UNAVAILABLE');
});

test('A direct-merchant payment endpoint is refused before any I/O, naming the 二清 rule', () => {
  assert.doesNotThrow(() => assertPartnerEndpoint('/v3/pay/partner/transactions/jsapi'));
  assert.throws(
    () => assertPartnerEndpoint('/v3/pay/%74ransactions/native'),
    (e: unknown) =>
      e instanceof WxpayRefusedCallError && e.rule === PARTNER_ENDPOINTS_ONLY_RULE && e.problem().code === 'SECONDARY_CLEARING_FORBIDDEN',
  );
  assert.throws(
    () => assertPartnerEndpoint('/v3/pay/partner/../transactions/jsapi'),
    (e: unknown) => e instanceof WxpayRefusedCallError && e.problem().code === 'INTERNAL_ERROR',
  );
});
