import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, outTradeNo, type Provider, type Tenant } from '../../support/payments';
import type { Checkout, CheckoutOptions } from '../../../clients/miniprogram/partnerpay-checkout';

// The helper as a mini-program loads it: plain JavaScript, required as is (dist/test/... -> repository root).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createCheckout } = require(join(__dirname, '..', '..', '..', '..', 'clients', 'miniprogram', 'partnerpay-checkout.js')) as {
  createCheckout(o: CheckoutOptions): Checkout;
};

let t: TestApp;
let provider: Provider;
let shops: Tenant[];
let pk: string;
before(async () => {
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
  shops = [await givenWechatTenant(t, provider), await givenWechatTenant(t, provider)];
  const key = await request(t.http)
    .post(`/admin/v1/service-providers/${provider.spMchid}/platform-keys`)
    .set(...admin(t))
    .send({});
  pk = key.body.platform_key;
});
after(() => t.close());

type Callbacks = { success?: (r: unknown) => void; fail?: (e: { errMsg: string }) => void };

/** A fake wx whose payment sheet pays the 合单 by its prepay_id at the simulator, as the WeChat app would (or fails `fail`). */
function fakeWx(fail: string[] = [], sheet: 'pay' | 'cancel' = 'pay') {
  const log: string[] = [];
  return {
    log,
    wx: {
      request() {
        throw new Error('payCombined never calls partnerpay itself: the platform key stays on the back end');
      },
      login() {
        throw new Error('payCombined needs no login');
      },
      requestPayment(o: Record<string, unknown> & Callbacks) {
        log.push(`requestPayment ${String(o.appId)}`);
        if (sheet === 'cancel') return void setImmediate(() => o.fail?.({ errMsg: 'requestPayment:fail cancel' }));
        fetch(`${t.baseUrl}/simulator/control/combine/pay`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prepay_id: String(o.package).slice('prepay_id='.length), fail }),
        })
          .then((res) =>
            res.ok ? o.success?.({ errMsg: 'requestPayment:ok' }) : o.fail?.({ errMsg: `requestPayment:fail ${res.status}` }),
          )
          .catch(() => o.fail?.({ errMsg: 'requestPayment:fail' }));
      },
    },
  };
}

/** The ISV's back end: places the combined order with its platform key and reads it back for the mini-program. */
async function backEnd() {
  const combine_out_trade_no = outTradeNo('C');
  const res = await request(t.http)
    .post('/platform/v1/combined-orders')
    .set('Authorization', `Bearer ${pk}`)
    .send({
      combine_out_trade_no,
      payer: { openid: 'oCentralBuyer00000000000001' },
      sub_orders: shops.map((s, i) => ({
        tenant_id: s.id,
        out_trade_no: outTradeNo(`S${i}`),
        description: `店${i}`,
        amount: { total: 100 + i },
      })),
    });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const check = async () =>
    (await request(t.http).get(`/platform/v1/combined-orders/${combine_out_trade_no}`).set('Authorization', `Bearer ${pk}`)).body;
  return { payment: res.body.payment, check, subs: res.body.combined_order.sub_orders as Array<{ out_trade_no: string }> };
}

test("When the ISV's mini-program pays a combined order with the helper, then it resolves once every sub-order is SUCCESS", async () => {
  const { payment, check } = await backEnd();
  const { wx, log } = fakeWx();
  const checkout = createCheckout({ baseUrl: t.baseUrl, wx, pollIntervalMs: 50, pollTimeoutMs: 10_000 });
  const result = await checkout.payCombined({ payment, check });
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal(result.ok && result.combinedOrder.state, 'SUCCESS');
  assert.deepEqual(log, [`requestPayment ${provider.spAppid}`], "one sheet, for the ISV's own AppID");
});

test('When one shop of the combined order fails to be paid or the buyer cancels, then the helper says so instead of success', async () => {
  const first = await backEnd();
  const partial = await createCheckout({ baseUrl: t.baseUrl, wx: fakeWx([first.subs[1].out_trade_no]).wx, pollIntervalMs: 50 }).payCombined(
    first,
  );
  assert.equal(partial.ok, false);
  assert.equal(!partial.ok && partial.error.code, 'PARTIALLY_PAID');
  const second = await backEnd();
  const cancelled = await createCheckout({ baseUrl: t.baseUrl, wx: fakeWx([], 'cancel').wx }).payCombined(second);
  assert.equal(!cancelled.ok && cancelled.error.code, 'USER_CANCELLED');
  const missing = await createCheckout({ baseUrl: t.baseUrl, wx: fakeWx().wx }).payCombined({ payment: second.payment } as never);
  assert.equal(!missing.ok && missing.error.code, 'PARAM_ERROR');
});
