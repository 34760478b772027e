import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, rfc3339 } from '../../../src/platform/clock';
import {
  aProvider,
  appid,
  mchid,
  orderBody,
  outNo,
  pluginVerifies,
  Receiver,
  signedRequest,
  startSim,
  type RunningSim,
  type TestProvider,
} from './harness';

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

const JSAPI = '/v3/pay/partner/transactions/jsapi';
const order = (body: unknown, o = {}) => signedRequest(s.baseUrl, p, 'POST', JSAPI, body, o);
const query = (otn: string, sub = p.sub_mchid) =>
  signedRequest(s.baseUrl, p, 'GET', `/v3/pay/partner/transactions/out-trade-no/${otn}?sp_mchid=${p.sp_mchid}&sub_mchid=${sub}`);
const close = (otn: string) =>
  signedRequest(s.baseUrl, p, 'POST', `/v3/pay/partner/transactions/out-trade-no/${otn}/close`, {
    sp_mchid: p.sp_mchid,
    sub_mchid: p.sub_mchid,
  });
const refund = (body: Record<string, unknown>) =>
  signedRequest(s.baseUrl, p, 'POST', '/v3/refund/domestic/refunds', { sub_mchid: p.sub_mchid, out_refund_no: outNo('R'), ...body });
async function paidOrder(total = 100): Promise<{ out_trade_no: string; transaction_id: string }> {
  const body = orderBody(p, rx.url, { amount: { total, currency: 'CNY' } });
  const res = await order(body);
  const tx = await s.sim.pay({ prepay_id: res.json.prepay_id });
  return { out_trade_no: body.out_trade_no as string, transaction_id: tx.transaction_id as string };
}

describe('Authorization (401 SIGN_ERROR)', () => {
  test('When the mchid is unknown, then 401 SIGN_ERROR, signed', async () => {
    const res = await order(orderBody(p, rx.url), { mchid: mchid() });
    assert.equal(res.status, 401);
    assert.equal(res.json.code, 'SIGN_ERROR');
    assert.match(res.headers.get('request-id')!, /-268443699$/);
    assert.ok(pluginVerifies(res.headers, res.text, s.sim.platform().public_key_pem));
  });

  test('When the signature is wrong, or the body differs from the signed one, then 401 SIGN_ERROR', async () => {
    assert.equal((await order(orderBody(p, rx.url), { badSignature: true })).json.code, 'SIGN_ERROR');
    const body = orderBody(p, rx.url);
    const tampered = await signedRequest(
      s.baseUrl,
      p,
      'POST',
      JSAPI,
      { ...body, amount: { total: 1 } },
      { signedBody: JSON.stringify(body) },
    );
    assert.equal(tampered.status, 401);
  });

  test('When the serial is not the merchant certificate serial, or the timestamp is 6 minutes off, then 401 SIGN_ERROR', async () => {
    assert.equal((await order(orderBody(p, rx.url), { serial: 'ABCDEF0123456789' })).status, 401);
    const stale = await order(orderBody(p, rx.url), { timestamp: Math.floor(Date.now() / 1000) - 360 });
    assert.equal(stale.status, 401);
    assert.equal(stale.json.code, 'SIGN_ERROR');
  });

  test('When Authorization is missing, then 401; when User-Agent or Accept is missing, then 400 INVALID_REQUEST', async () => {
    assert.equal((await order(orderBody(p, rx.url), { headers: { Authorization: undefined } })).status, 401);
    const noUa = await order(orderBody(p, rx.url), { headers: { 'User-Agent': '' } });
    assert.equal(noUa.status, 400);
    assert.equal(noUa.json.code, 'INVALID_REQUEST');
  });
});

describe('POST /v3/pay/partner/transactions/jsapi', () => {
  test('When a field is missing or malformed, then 400 PARAM_ERROR with detail naming it', async () => {
    const missing = await order(orderBody(p, rx.url, { description: undefined }));
    assert.equal(missing.status, 400);
    assert.equal(missing.json.code, 'PARAM_ERROR');
    assert.deepEqual(
      { field: missing.json.detail.field, location: missing.json.detail.location },
      { field: '/description', location: 'body' },
    );
    assert.equal((await order(orderBody(p, rx.url, { amount: { total: 0 } }))).json.detail.field, '/amount/total');
    assert.equal((await order(orderBody(p, rx.url, { out_trade_no: 'ab#1' }))).json.detail.field, '/out_trade_no');
    assert.equal((await order(orderBody(p, rx.url, { time_expire: '2030-01-01 00:00:00' }))).json.detail.field, '/time_expire');
    assert.equal((await order(orderBody(p, rx.url, { notify_url: `${rx.url}?a=1` }))).json.detail.field, '/notify_url');
    assert.equal((await order(orderBody(p, rx.url, { attach: null }))).json.detail.field, '/attach');
    assert.equal((await order(orderBody(p, rx.url, { description: '表情😀' }))).json.detail.field, '/description');
    assert.equal((await order(orderBody(p, rx.url, { payer: {} }))).json.detail.field, '/payer');
    const bad = await order(undefined, { rawBody: '{"sp_appid":' });
    assert.equal(bad.json.code, 'PARAM_ERROR');
  });

  test('When sp_mchid in the body is not the Authorization mchid, then PARAM_ERROR on /sp_mchid', async () => {
    const res = await order(orderBody(p, rx.url, { sp_mchid: mchid() }));
    assert.equal(res.json.detail.field, '/sp_mchid');
  });

  test('When the sub_mchid is unknown, then 400 MCH_NOT_EXISTS', async () => {
    const res = await order(orderBody(p, rx.url, { sub_mchid: mchid() }));
    assert.equal(res.status, 400);
    assert.equal(res.json.code, 'MCH_NOT_EXISTS');
  });

  test("When the sub_appid is not bound to the sub_mchid, or the sp_appid is not the provider's, then 400 APPID_MCHID_NOT_MATCH", async () => {
    const sub = await order(orderBody(p, rx.url, { sub_appid: appid() }));
    assert.equal(sub.status, 400);
    assert.equal(sub.json.code, 'APPID_MCHID_NOT_MATCH');
    const sp = await order(orderBody(p, rx.url, { sp_appid: appid() }));
    assert.equal(sp.json.code, 'APPID_MCHID_NOT_MATCH');
  });

  test('When payer.sub_openid comes without sub_appid, then PARAM_ERROR on /sub_appid; sp_openid alone (centralized) is fine', async () => {
    const res = await order(orderBody(p, rx.url, { sub_appid: undefined }));
    assert.equal(res.json.code, 'PARAM_ERROR');
    assert.equal(res.json.detail.field, '/sub_appid');
    const centralized = await order(orderBody(p, rx.url, { sub_appid: undefined, payer: { sp_openid: 'oSP_openid_000000000000001' } }));
    assert.equal(centralized.status, 200);
  });

  test('When the same out_trade_no comes with the same body, then the same prepay_id; with a different body, then 403 OUT_TRADE_NO_USED', async () => {
    const body = orderBody(p, rx.url);
    const a = await order(body);
    // Key order does not matter: the parameters are the same.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const b = await order(reordered);
    assert.equal(b.json.prepay_id, a.json.prepay_id);
    const c = await order({ ...body, amount: { total: 101, currency: 'CNY' } });
    assert.equal(c.status, 403);
    assert.equal(c.json.code, 'OUT_TRADE_NO_USED');
  });

  test('When a paid order is ordered again, then 400 ORDER_PAID; a closed one, then 400 ORDER_CLOSED', async () => {
    const body = orderBody(p, rx.url);
    const res = await order(body);
    await s.sim.pay({ prepay_id: res.json.prepay_id });
    assert.equal((await order(body)).json.code, 'ORDER_PAID');
    const other = orderBody(p, rx.url);
    await order(other);
    assert.equal((await close(other.out_trade_no as string)).status, 204);
    assert.equal((await order(other)).json.code, 'ORDER_CLOSED');
  });

  test('When the direct-merchant /v3/pay/transactions/jsapi is called, then 403 NO_AUTH (a service provider cannot collect) and the call is logged', async () => {
    const res = await signedRequest(s.baseUrl, p, 'POST', '/v3/pay/transactions/jsapi', {
      appid: p.sp_appid,
      mchid: p.sp_mchid,
      description: 'x',
      out_trade_no: outNo(),
      notify_url: rx.url,
      amount: { total: 1 },
      payer: { openid: 'o1' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.json.code, 'NO_AUTH');
    assert.ok(s.sim.calls().some((c) => c.path === '/v3/pay/transactions/jsapi' && c.status === 403));
  });
});

describe('Query and close', () => {
  test('When queried through the order life, then trade_state NOTPAY, SUCCESS, REFUND with the real fields', async () => {
    const body = orderBody(p, rx.url, { attach: 'cart=42' });
    const created = await order(body);
    const q1 = await query(body.out_trade_no as string);
    assert.equal(q1.json.trade_state, 'NOTPAY');
    assert.equal(q1.json.transaction_id, undefined);
    assert.equal(q1.json.attach, undefined);
    assert.deepEqual(q1.json.amount, { total: 100, currency: 'CNY', payer_currency: 'CNY' });
    await s.sim.pay({ prepay_id: created.json.prepay_id });
    const q2 = await query(body.out_trade_no as string);
    assert.deepEqual(
      {
        state: q2.json.trade_state,
        desc: q2.json.trade_state_desc,
        type: q2.json.trade_type,
        bank: q2.json.bank_type,
        attach: q2.json.attach,
        payer_total: q2.json.amount.payer_total,
        sub_openid: q2.json.payer.sub_openid,
        sub_appid: q2.json.sub_appid,
      },
      {
        state: 'SUCCESS',
        desc: '支付成功',
        type: 'JSAPI',
        bank: 'OTHERS',
        attach: 'cart=42',
        payer_total: 100,
        sub_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
        sub_appid: p.sub_appid,
      },
    );
    assert.match(q2.json.payer.sp_openid, /^o/);
    assert.match(q2.json.success_time, /\+08:00$/);
    await refund({ transaction_id: q2.json.transaction_id, amount: { refund: 1, total: 100, currency: 'CNY' } });
    assert.equal((await query(body.out_trade_no as string)).json.trade_state, 'REFUND');
  });

  test('When the payment fails (control outcome PAYERROR), then trade_state PAYERROR', async () => {
    const body = orderBody(p, rx.url);
    const created = await order(body);
    await s.sim.pay({ prepay_id: created.json.prepay_id, outcome: 'PAYERROR' });
    assert.equal((await query(body.out_trade_no as string)).json.trade_state, 'PAYERROR');
  });

  test('When queried with unknown ids, another sub_mchid, a missing query param, then ORDER_NOT_EXIST / MCH_NOT_EXISTS / PARAM_ERROR', async () => {
    const missing = await query('NOSUCHORDER1');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.code, 'ORDER_NOT_EXIST');
    const body = orderBody(p, rx.url);
    await order(body);
    const other = mchid();
    s.sim.registerSubMerchant({ sp_mchid: p.sp_mchid, sub_mchid: other });
    assert.equal((await query(body.out_trade_no as string, other)).json.code, 'ORDER_NOT_EXIST');
    assert.equal((await query(body.out_trade_no as string, mchid())).json.code, 'MCH_NOT_EXISTS');
    const noSub = await signedRequest(
      s.baseUrl,
      p,
      'GET',
      `/v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}?sp_mchid=${p.sp_mchid}`,
    );
    assert.deepEqual([noSub.json.code, noSub.json.detail.field, noSub.json.detail.location], ['PARAM_ERROR', 'sub_mchid', 'query']);
    // An unpaid order has no transaction_id: it cannot be found by id.
    const byId = await signedRequest(
      s.baseUrl,
      p,
      'GET',
      `/v3/pay/partner/transactions/id/4200000000000000000000000000?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`,
    );
    assert.equal(byId.json.code, 'ORDER_NOT_EXIST');
  });

  test('When an unpaid order is closed, then 204 with a signed empty body, again 204, and CLOSED; a paid one, then 400 ORDER_PAID', async () => {
    const body = orderBody(p, rx.url);
    const created = await order(body);
    const res = await close(body.out_trade_no as string);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.ok(pluginVerifies(res.headers, '', s.sim.platform().public_key_pem), 'the 204 is signed over an empty body');
    assert.equal((await close(body.out_trade_no as string)).status, 204);
    assert.equal((await query(body.out_trade_no as string)).json.trade_state, 'CLOSED');
    await assert.rejects(s.sim.pay({ prepay_id: created.json.prepay_id }), /cannot be paid/);

    const paid = await paidOrder();
    const refused = await close(paid.out_trade_no);
    assert.equal(refused.status, 400);
    assert.equal(refused.json.code, 'ORDER_PAID');
    assert.equal((await close('NOSUCHORDER2')).json.code, 'ORDER_NOT_EXIST');
  });

  test('When expire() is called, then the unpaid order is CLOSED', async () => {
    const body = orderBody(p, rx.url);
    await order(body);
    s.sim.expire({ sub_mchid: p.sub_mchid, out_trade_no: body.out_trade_no as string });
    assert.equal((await query(body.out_trade_no as string)).json.trade_state, 'CLOSED');
  });
});

test('When time_expire passes on the simulator clock, then the order is CLOSED and cannot be paid; a time_expire in the past is moved to +1 minute', async () => {
  const clock = new ManualClock(Date.now());
  const m = await startSim({ clock });
  try {
    const mp = aProvider(m.sim);
    const soon = orderBody(mp, rx.url, { time_expire: rfc3339(clock.now() + 2 * 60_000) });
    const past = orderBody(mp, rx.url, { time_expire: rfc3339(clock.now() - 3_600_000) });
    await signedRequest(m.baseUrl, mp, 'POST', JSAPI, soon);
    await signedRequest(m.baseUrl, mp, 'POST', JSAPI, past);
    const q = (otn: unknown) =>
      signedRequest(
        m.baseUrl,
        mp,
        'GET',
        `/v3/pay/partner/transactions/out-trade-no/${otn}?sp_mchid=${mp.sp_mchid}&sub_mchid=${mp.sub_mchid}`,
      );
    assert.equal((await q(past.out_trade_no)).json.trade_state, 'NOTPAY');
    clock.advance(61_000);
    assert.equal((await q(past.out_trade_no)).json.trade_state, 'CLOSED');
    assert.equal((await q(soon.out_trade_no)).json.trade_state, 'NOTPAY');
    clock.advance(60_000);
    assert.equal((await q(soon.out_trade_no)).json.trade_state, 'CLOSED');
    await assert.rejects(m.sim.pay({ sub_mchid: mp.sub_mchid, out_trade_no: soon.out_trade_no as string }), /cannot be paid/);
  } finally {
    await m.close();
  }
});

describe('Refunds', () => {
  test('When the order is unpaid or unknown, then 404 RESOURCE_NOT_EXISTS', async () => {
    const body = orderBody(p, rx.url);
    await order(body);
    const res = await refund({ out_trade_no: body.out_trade_no, amount: { refund: 1, total: 100, currency: 'CNY' } });
    assert.equal(res.status, 404);
    assert.equal(res.json.code, 'RESOURCE_NOT_EXISTS');
  });

  test('When sub_mchid is missing, amount.total is not the order amount, or refund exceeds the total, then PARAM_ERROR naming the field; unknown sub_mchid, then MCH_NOT_EXISTS', async () => {
    const paid = await paidOrder(100);
    const noSub = await signedRequest(s.baseUrl, p, 'POST', '/v3/refund/domestic/refunds', {
      transaction_id: paid.transaction_id,
      out_refund_no: outNo('R'),
      amount: { refund: 1, total: 100, currency: 'CNY' },
    });
    assert.equal(noSub.json.detail.field, '/sub_mchid');
    assert.equal(
      (await refund({ transaction_id: paid.transaction_id, amount: { refund: 1, total: 99, currency: 'CNY' } })).json.detail.field,
      '/amount/total',
    );
    assert.equal(
      (await refund({ transaction_id: paid.transaction_id, amount: { refund: 101, total: 100, currency: 'CNY' } })).json.detail.field,
      '/amount/refund',
    );
    assert.equal(
      (await refund({ transaction_id: paid.transaction_id, amount: { refund: 1, total: 100 } })).json.detail.field,
      '/amount/currency',
    );
    assert.equal(
      (await refund({ sub_mchid: mchid(), transaction_id: paid.transaction_id, amount: { refund: 1, total: 100, currency: 'CNY' } })).json
        .code,
      'MCH_NOT_EXISTS',
    );
  });

  test('When refunds add up past the refundable amount, then 403 NOT_ENOUGH; a CLOSED refund gives its amount back', async () => {
    const paid = await paidOrder(100);
    const first = outNo('R');
    assert.equal(
      (await refund({ out_refund_no: first, out_trade_no: paid.out_trade_no, amount: { refund: 70, total: 100, currency: 'CNY' } })).status,
      200,
    );
    const over = await refund({ out_trade_no: paid.out_trade_no, amount: { refund: 31, total: 100, currency: 'CNY' } });
    assert.equal(over.status, 403);
    assert.equal(over.json.code, 'NOT_ENOUGH');
    await s.sim.finishRefund({ out_refund_no: first, sub_mchid: p.sub_mchid, status: 'CLOSED' });
    assert.equal((await refund({ out_trade_no: paid.out_trade_no, amount: { refund: 100, total: 100, currency: 'CNY' } })).status, 200);
  });

  test('When the same out_refund_no is sent again, then the same refund comes back; with other amounts, then 400 INVALID_REQUEST', async () => {
    const paid = await paidOrder(100);
    const out_refund_no = outNo('R');
    const body = { out_refund_no, transaction_id: paid.transaction_id, amount: { refund: 30, total: 100, currency: 'CNY' } };
    const a = await refund(body);
    const b = await refund(body);
    assert.equal(b.json.refund_id, a.json.refund_id);
    assert.equal(
      s.sim.calls().filter((c) => (c.body as { out_refund_no?: string } | undefined)?.out_refund_no === out_refund_no).length,
      2,
    );
    const c = await refund({ ...body, amount: { refund: 31, total: 100, currency: 'CNY' } });
    assert.equal(c.json.code, 'INVALID_REQUEST');
  });

  test('When a refund is queried, then PROCESSING until finished; unknown, then 404 RESOURCE_NOT_EXISTS; without sub_mchid, then PARAM_ERROR', async () => {
    const paid = await paidOrder(100);
    const out_refund_no = outNo('R');
    await refund({ out_refund_no, transaction_id: paid.transaction_id, amount: { refund: 10, total: 100, currency: 'CNY' } });
    const get = (orn: string, q = `?sub_mchid=${p.sub_mchid}`) =>
      signedRequest(s.baseUrl, p, 'GET', `/v3/refund/domestic/refunds/${orn}${q}`);
    const r1 = await get(out_refund_no);
    assert.deepEqual(
      [r1.json.status, r1.json.success_time, r1.json.out_trade_no, r1.json.transaction_id],
      ['PROCESSING', undefined, paid.out_trade_no, paid.transaction_id],
    );
    await s.sim.finishRefund({ out_refund_no, sub_mchid: p.sub_mchid, status: 'SUCCESS' });
    const r2 = await get(out_refund_no);
    assert.equal(r2.json.status, 'SUCCESS');
    assert.match(r2.json.success_time, /\+08:00$/);
    assert.equal((await get('NOPE')).json.code, 'RESOURCE_NOT_EXISTS');
    assert.equal((await get(out_refund_no, '')).json.detail.field, 'sub_mchid');
  });

  test('When auto-finish is configured, then a new refund becomes SUCCESS after that much simulator time', async () => {
    const clock = new ManualClock(Date.now());
    const m = await startSim({ clock, refundAutoFinishMs: 60_000 });
    try {
      const mp = aProvider(m.sim);
      const created = await signedRequest(m.baseUrl, mp, 'POST', JSAPI, orderBody(mp, rx.url));
      const tx = await m.sim.pay({ prepay_id: created.json.prepay_id });
      const out_refund_no = outNo('R');
      await signedRequest(m.baseUrl, mp, 'POST', '/v3/refund/domestic/refunds', {
        sub_mchid: mp.sub_mchid,
        transaction_id: tx.transaction_id,
        out_refund_no,
        amount: { refund: 5, total: 100, currency: 'CNY' },
      });
      const get = () => signedRequest(m.baseUrl, mp, 'GET', `/v3/refund/domestic/refunds/${out_refund_no}?sub_mchid=${mp.sub_mchid}`);
      await m.sim.advance(59_000);
      assert.equal((await get()).json.status, 'PROCESSING');
      await m.sim.advance(1_000);
      assert.equal((await get()).json.status, 'SUCCESS');
      assert.ok(m.sim.deliveries().some((d) => d.event_type === 'REFUND.SUCCESS'));
    } finally {
      await m.close();
    }
  });
});
