import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  aProvider,
  appid,
  mchid,
  outNo,
  pluginDecrypt,
  pluginVerifies,
  Receiver,
  signedRequest,
  startSim,
  type RunningSim,
  type TestProvider,
} from './harness';

// 合单 (spec wave3 §3.6): one combine order over sub-orders of two sub-merchants, one notification.
let s: RunningSim;
let rx: Receiver;
let p: TestProvider;
let second: { sub_mchid: string; sub_appid: string };
before(async () => {
  s = await startSim({ scheduler: 'manual', notifyTimeoutMs: 2000 });
  rx = await new Receiver().start();
  p = aProvider(s.sim);
  second = { sub_mchid: mchid(), sub_appid: appid() };
  s.sim.registerSubMerchant({ sp_mchid: p.sp_mchid, sub_mchid: second.sub_mchid, appids: [second.sub_appid] });
});
after(async () => {
  await s.close();
  await rx.close();
});
beforeEach(() => {
  rx.received.length = 0;
  s.sim.clearLogs();
});

function combineBody(over: Record<string, unknown> = {}) {
  return {
    combine_appid: p.sp_appid,
    combine_mchid: p.sp_mchid,
    combine_out_trade_no: outNo('C'),
    combine_payer_info: { openid: 'oCombinePayer0000000000001' },
    notify_url: rx.url,
    sub_orders: [
      {
        mchid: p.sp_mchid,
        sub_mchid: p.sub_mchid,
        attach: 'a',
        amount: { total_amount: 1200, currency: 'CNY' },
        out_trade_no: outNo('A'),
        description: 'A店',
      },
      {
        mchid: p.sp_mchid,
        sub_mchid: second.sub_mchid,
        attach: 'b',
        amount: { total_amount: 800, currency: 'CNY' },
        out_trade_no: outNo('B'),
        description: 'B店',
      },
    ],
    ...over,
  };
}

const post = (path: string, body: unknown) => signedRequest(s.baseUrl, p, 'POST', path, body);

test('When a JSAPI combine order is paid, then one signed TRANSACTION.SUCCESS carries every sub-order with its own transaction_id', async () => {
  const body = combineBody();
  const placed = await post('/v3/combine-transactions/jsapi', body);
  assert.equal(placed.status, 200, placed.text);
  assert.match(placed.json.prepay_id, /^wx\d{14}/);
  const again = await post('/v3/combine-transactions/jsapi', body);
  assert.equal(again.json.prepay_id, placed.json.prepay_id, 'the same body answers the same prepay_id');

  await s.sim.payCombine({ combine_out_trade_no: body.combine_out_trade_no });
  assert.equal(rx.received.length, 1, 'one notification for the whole combine order');
  const n = rx.received[0];
  assert.ok(pluginVerifies(n.headers, n.body, s.sim.platform().public_key_pem));
  const env = JSON.parse(n.body);
  assert.equal(env.event_type, 'TRANSACTION.SUCCESS');
  const r = JSON.parse(pluginDecrypt(env.resource, p.apiv3Key));
  assert.equal(r.combine_mchid, p.sp_mchid);
  assert.equal(r.combine_appid, p.sp_appid);
  assert.equal(r.combine_out_trade_no, body.combine_out_trade_no);
  assert.equal(r.combine_payer_info.openid, 'oCombinePayer0000000000001');
  assert.deepEqual(
    r.sub_orders.map((o: any) => [o.sub_mchid, o.out_trade_no, o.trade_state, o.amount.total_amount, o.mchid]),
    body.sub_orders.map((o) => [o.sub_mchid, o.out_trade_no, 'SUCCESS', o.amount.total_amount, p.sp_mchid]),
  );
  assert.equal(new Set(r.sub_orders.map((o: any) => o.transaction_id)).size, 2);

  const q = await signedRequest(s.baseUrl, p, 'GET', `/v3/combine-transactions/out-trade-no/${body.combine_out_trade_no}`);
  assert.equal(q.status, 200);
  assert.deepEqual(q.json.sub_orders, r.sub_orders, 'the query answers what the notification said');

  // A sub-order is refunded alone, with its own sub_mchid and transaction_id.
  const refund = await post('/v3/refund/domestic/refunds', {
    sub_mchid: second.sub_mchid,
    transaction_id: r.sub_orders[1].transaction_id,
    out_refund_no: outNo('R'),
    amount: { refund: 800, total: 800, currency: 'CNY' },
  });
  assert.equal(refund.status, 200, refund.text);
  const wrongSub = await post('/v3/refund/domestic/refunds', {
    sub_mchid: p.sub_mchid,
    transaction_id: r.sub_orders[1].transaction_id,
    out_refund_no: outNo('R'),
    amount: { refund: 800, total: 800, currency: 'CNY' },
  });
  assert.ok(wrongSub.status >= 400, 'another sub_mchid cannot refund it');
});

test('When one sub-order fails, then the notification reports it PAYERROR beside the paid one', async () => {
  const body = combineBody();
  assert.equal((await post('/v3/combine-transactions/native', body)).status, 200);
  await s.sim.payCombine({ combine_out_trade_no: body.combine_out_trade_no, fail: [body.sub_orders[1].out_trade_no] });
  const r = JSON.parse(pluginDecrypt(JSON.parse(rx.received[0].body).resource, p.apiv3Key));
  assert.deepEqual(
    r.sub_orders.map((o: any) => o.trade_state),
    ['SUCCESS', 'PAYERROR'],
  );
  assert.equal(r.sub_orders[1].transaction_id, undefined);
});

test('When a combine order is closed, then only the identical sub-order set closes it, all at once; a paid one is ORDER_PAID', async () => {
  const body = combineBody();
  assert.equal((await post('/v3/combine-transactions/jsapi', body)).status, 200);
  const subs = body.sub_orders.map((o) => ({ mchid: o.mchid, sub_mchid: o.sub_mchid, out_trade_no: o.out_trade_no }));
  const closePath = `/v3/combine-transactions/out-trade-no/${body.combine_out_trade_no}/close`;
  const partial = await post(closePath, { combine_appid: p.sp_appid, sub_orders: subs.slice(0, 1) });
  assert.equal(partial.status, 400);
  assert.equal(partial.json.code, 'INVALID_REQUEST');
  const single = await post(`/v3/pay/partner/transactions/out-trade-no/${subs[0].out_trade_no}/close`, {
    sp_mchid: p.sp_mchid,
    sub_mchid: subs[0].sub_mchid,
  });
  assert.equal(single.status, 400, 'a sub-order cannot be closed alone');
  const closed = await post(closePath, { combine_appid: p.sp_appid, sub_orders: subs });
  assert.equal(closed.status, 204);
  const q = await signedRequest(s.baseUrl, p, 'GET', `/v3/combine-transactions/out-trade-no/${body.combine_out_trade_no}`);
  assert.deepEqual(
    q.json.sub_orders.map((o: any) => o.trade_state),
    ['CLOSED', 'CLOSED'],
  );

  const paid = combineBody();
  assert.equal((await post('/v3/combine-transactions/app', paid)).status, 200);
  await s.sim.payCombine({ combine_out_trade_no: paid.combine_out_trade_no });
  const late = await post(`/v3/combine-transactions/out-trade-no/${paid.combine_out_trade_no}/close`, {
    combine_appid: p.sp_appid,
    sub_orders: paid.sub_orders.map((o) => ({ mchid: o.mchid, sub_mchid: o.sub_mchid, out_trade_no: o.out_trade_no })),
  });
  assert.equal(late.status, 400);
  assert.equal(late.json.code, 'ORDER_PAID');
});

test('When a combine order breaks the rules, then it is refused with the field named and nothing is placed', async () => {
  const tooMany = combineBody();
  tooMany.sub_orders = Array.from({ length: 51 }, (_, i) => ({ ...tooMany.sub_orders[0], out_trade_no: outNo(`M${i}`) }));
  const cases: Array<[Record<string, unknown>, string, number]> = [
    [tooMany, '/sub_orders', 400],
    [combineBody({ combine_payer_info: undefined }), '/combine_payer_info/openid', 400],
    [{ ...combineBody(), combine_mchid: mchid() }, '/combine_mchid', 400],
  ];
  const dup = combineBody();
  dup.sub_orders[1].out_trade_no = dup.sub_orders[0].out_trade_no;
  cases.push([dup, '/sub_orders/1/out_trade_no', 400]);
  const own = combineBody();
  own.sub_orders[1].sub_mchid = p.sp_mchid;
  cases.push([own, '/sub_orders/1/sub_mchid', 400]);
  for (const [b, field, status] of cases) {
    const res = await post('/v3/combine-transactions/jsapi', b);
    assert.equal(res.status, status, `${field}: ${res.text}`);
    assert.equal(res.json.detail?.field, field, res.text);
    assert.throws(() => s.sim.combineOrder({ combine_out_trade_no: b.combine_out_trade_no as string }));
  }
  const unknownSub = combineBody();
  unknownSub.sub_orders[1].sub_mchid = mchid();
  const res = await post('/v3/combine-transactions/jsapi', unknownSub);
  assert.equal(res.json.code, 'MCH_NOT_EXISTS');
});

test('When the simulator restarts with a state directory, then a combine order and its sub-orders are still known', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'sim-combine-'));
  try {
    const a = await startSim({ scheduler: 'manual', stateDir: dir });
    const saved = p;
    p = aProvider(a.sim);
    a.sim.registerSubMerchant({ sp_mchid: p.sp_mchid, sub_mchid: second.sub_mchid, appids: [second.sub_appid] });
    const body = combineBody();
    assert.equal((await signedRequest(a.baseUrl, p, 'POST', '/v3/combine-transactions/jsapi', body)).status, 200);
    await a.close();
    const b = await startSim({ scheduler: 'manual', stateDir: dir });
    try {
      await b.sim.payCombine({ combine_out_trade_no: body.combine_out_trade_no });
      const q = await signedRequest(b.baseUrl, p, 'GET', `/v3/combine-transactions/out-trade-no/${body.combine_out_trade_no}`);
      assert.deepEqual(
        q.json.sub_orders.map((o: any) => o.trade_state),
        ['SUCCESS', 'SUCCESS'],
      );
      const sub = await signedRequest(
        b.baseUrl,
        p,
        'GET',
        `/v3/pay/partner/transactions/out-trade-no/${body.sub_orders[0].out_trade_no}?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`,
      );
      assert.equal(sub.json.trade_state, 'SUCCESS', 'the sub-order in the orders is the same object as in the combine order');
    } finally {
      await b.close();
      p = saved;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
