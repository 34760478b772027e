import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, type Provider, type Tenant } from '../../support/payments';
import type { Checkout, CheckoutOptions } from '../../../clients/miniprogram/partnerpay-checkout';
import { anOpenid, givenAppSecret, orderAwaitingBuyer } from './support';

// The helper as a mini-program loads it: plain JavaScript, required as is (dist/test/... -> repository root).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createCheckout } = require(join(__dirname, '..', '..', '..', '..', 'clients', 'miniprogram', 'partnerpay-checkout.js')) as {
  createCheckout(o: CheckoutOptions): Checkout;
};

let t: TestApp;
let provider: Provider;
let tenant: Tenant;
before(async () => {
  t = await startTestApp({ checkout: { perAddressPerMinute: 10_000, wrongSecretsPerAddressPerMinute: 10_000 } });
  provider = await givenWechatProvider(t, rsaPems());
  tenant = await givenWechatTenant(t, provider);
  await givenAppSecret(t, tenant);
});
after(() => t.close());

type Callbacks = { success?: (r: unknown) => void; fail?: (e: { errMsg: string }) => void };

/**
 * A fake `wx` that behaves like the mini-program runtime over real HTTP: wx.request goes to partnerpay,
 * wx.login asks the simulator's control API for a code of `openid`, wx.requestPayment checks the
 * parameters and pays (or cancels) at the simulator as the WeChat app would.
 */
function fakeWx(openid: string, sheet: 'pay' | 'cancel' = 'pay') {
  const log: string[] = [];
  const sim = `${t.baseUrl}/simulator/control`;
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return {
    log,
    wx: {
      request(o: { url: string; method: string; data?: unknown; header?: Record<string, string> } & Callbacks) {
        log.push(`request ${o.method} ${new URL(o.url).pathname}`);
        fetch(o.url, { method: o.method, headers: o.header, body: o.method === 'GET' ? undefined : JSON.stringify(o.data) })
          .then(async (res) => o.success?.({ statusCode: res.status, data: await res.json(), header: Object.fromEntries(res.headers) }))
          .catch(() => o.fail?.({ errMsg: 'request:fail' }));
      },
      login(o: Callbacks) {
        log.push('login');
        post(`${sim}/login-codes`, { appid: tenant.appid, openid })
          .then(async (res) => o.success?.({ errMsg: 'login:ok', code: ((await res.json()) as { code: string }).code }))
          .catch(() => o.fail?.({ errMsg: 'login:fail' }));
      },
      requestPayment(o: Record<string, unknown> & Callbacks) {
        log.push('requestPayment');
        const keys = Object.keys(o)
          .filter((k) => k !== 'success' && k !== 'fail')
          .sort();
        assert.deepEqual(keys, ['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
        if (sheet === 'cancel') return void setImmediate(() => o.fail?.({ errMsg: 'requestPayment:fail cancel' }));
        post(`${sim}/pay`, { prepay_id: String(o.package).slice('prepay_id='.length) })
          .then(() => o.success?.({ errMsg: 'requestPayment:ok' }))
          .catch(() => o.fail?.({ errMsg: 'requestPayment:fail' }));
      },
    },
  };
}

test('When the helper pays under a fake wx, then it logs in, pays, and resolves once partnerpay says SUCCESS', async () => {
  const order = await orderAwaitingBuyer(t, tenant);
  const { wx, log } = fakeWx(anOpenid());
  const checkout = createCheckout({ baseUrl: t.baseUrl, wx, pollIntervalMs: 50, pollTimeoutMs: 10_000 });
  const result = await checkout.pay({ orderId: order.id, clientSecret: order.client_secret });
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal(result.ok && result.order.trade_state, 'SUCCESS');
  assert.deepEqual(log.slice(0, 3), ['login', `request POST /mp/v1/orders/${order.id}/pay`, 'requestPayment']);
  assert.equal(log[3], `request GET /mp/v1/orders/${order.id}`);
});

test('When the buyer cancels, or another buyer tries, or the secret is wrong, then clear error values and no rejection', async () => {
  const order = await orderAwaitingBuyer(t, tenant);
  const buyer = anOpenid();
  const cancelled = await createCheckout({ baseUrl: t.baseUrl, wx: fakeWx(buyer, 'cancel').wx }).pay({
    orderId: order.id,
    clientSecret: order.client_secret,
  });
  assert.deepEqual(!cancelled.ok && [cancelled.error.code, cancelled.error.retryable, cancelled.order?.trade_state], [
    'USER_CANCELLED',
    true,
    'NOTPAY',
  ]);

  const intruder = await createCheckout({ baseUrl: t.baseUrl, wx: fakeWx(anOpenid()).wx }).pay({
    orderId: order.id,
    clientSecret: order.client_secret,
  });
  assert.deepEqual(!intruder.ok && [intruder.error.code, intruder.error.status], ['PAYER_MISMATCH', 409]);

  const wrong = await createCheckout({ baseUrl: t.baseUrl, wx: fakeWx(buyer).wx }).pay({
    orderId: order.id,
    clientSecret: `${order.id}_secret_${'Z'.repeat(32)}`,
  });
  assert.deepEqual(!wrong.ok && [wrong.error.code, wrong.error.status], ['NOT_FOUND', 404]);

  // The first buyer comes back and pays after all.
  const paid = await createCheckout({ baseUrl: t.baseUrl, wx: fakeWx(buyer).wx, pollIntervalMs: 50 }).pay({
    orderId: order.id,
    clientSecret: order.client_secret,
  });
  assert.equal(paid.ok, true, JSON.stringify(paid));
});
