import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import {
  givenWechatProvider,
  givenWechatTenant,
  orderBody,
  outTradeNo,
  simulatorOf,
  type Provider,
  type Tenant,
} from '../../support/payments';
import { eventIdOf, eventRows, loggedFor, notificationLog, postNotification, wireNotification } from '../../support/notifications';
import { ManualClock } from '../../../src/platform/clock';

// A ManualClock drives partnerpay, the WeChat Pay client and the simulator alike: the simulator runs
// its notification retries and delays only on advance(), and a year can pass in a test.
let t: TestApp;
let clock: ManualClock;
let provider: Provider;

before(async () => {
  clock = new ManualClock();
  t = await startTestApp({}, { clock });
  provider = await givenWechatProvider(t, rsaPems());
});
after(() => t.close());

const sim = () => simulatorOf(t);
const refundCalls = (outRefundNo?: string) =>
  sim()
    .calls()
    .filter(
      (c) =>
        c.method === 'POST' &&
        c.path === '/v3/refund/domestic/refunds' &&
        (!outRefundNo || (c.body as { out_refund_no?: string })?.out_refund_no === outRefundNo),
    );
let seq = 0;
const outRefundNo = () => `R${outTradeNo().slice(1, 24)}${(seq++).toString(36)}`;

/** A paid order of `tenant` (total in fen), its transaction_id as WeChat Pay reported it. */
async function paidOrder(tenant: Tenant, total = 100): Promise<{ outTradeNo: string; transactionId: string }> {
  const body = orderBody(tenant, { amount: { total, currency: 'CNY' } });
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const paid = await sim().pay({ prepay_id: res.body.order.prepay_id });
  const order = await readOrder(tenant, body.out_trade_no as string);
  assert.equal(order.trade_state, 'SUCCESS');
  return { outTradeNo: body.out_trade_no as string, transactionId: paid.transaction_id as string };
}

async function readOrder(tenant: Tenant, outNo: string): Promise<Record<string, unknown>> {
  const res = await request(t.http)
    .get(`/v1/orders/${outNo}`)
    .set(...tenant.auth);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.order;
}

async function readRefund(tenant: Tenant, outNo: string, sync = false): Promise<Record<string, unknown>> {
  const res = await request(t.http)
    .get(`/v1/refunds/${outNo}${sync ? '?sync=true' : ''}`)
    .set(...tenant.auth);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.refund;
}

function refund(tenant: Tenant, body: Record<string, unknown>, idempotencyKey?: string): request.Test {
  const r = request(t.baseUrl)
    .post('/v1/refunds')
    .set(...tenant.auth);
  if (idempotencyKey) r.set('Idempotency-Key', idempotencyKey);
  return r.send(body);
}

const finish = (tenant: Tenant, outNo: string, status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL') =>
  sim().finishRefund({ out_refund_no: outNo, sub_mchid: tenant.subMchid, sp_mchid: provider.spMchid, status });
const eventTypes = async (tenant: Tenant) => (await eventRows(t, tenant.id)).map((e) => e.type);

test('When a paid order is refunded in part and then in full, then refunded_total and trade_state follow and refund.succeeded is sent each time', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const first = outRefundNo();
  const partial = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: first, amount: { refund: 30 }, reason: '商品已售完' });
  assert.equal(partial.status, 201, JSON.stringify(partial.body));
  assert.equal(partial.body.refund.status, 'PROCESSING');
  assert.equal(partial.body.refund.out_refund_no, first);
  assert.equal(partial.body.refund.out_trade_no, o.outTradeNo);
  assert.match(partial.body.refund.refund_id, /^50\d+$/);
  assert.deepEqual(partial.body.refund.amount, { refund: 30, total: 100, currency: 'CNY' });
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 0, 'nothing is refunded until WeChat Pay says so');

  await finish(tenant, first, 'SUCCESS');
  const done = await readRefund(tenant, first);
  assert.equal(done.status, 'SUCCESS');
  assert.ok(done.success_time);
  assert.equal(done.user_received_account, '支付用户零钱');
  let order = await readOrder(tenant, o.outTradeNo);
  assert.equal(order.refunded_total, 30);
  assert.equal(order.trade_state, 'REFUND');

  const rest = outRefundNo();
  const full = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: rest, amount: { refund: 70 } });
  assert.equal(full.status, 201, JSON.stringify(full.body));
  await finish(tenant, rest, 'SUCCESS');
  order = await readOrder(tenant, o.outTradeNo);
  assert.equal(order.refunded_total, 100);
  assert.equal(order.trade_state, 'REFUND');

  const succeeded = await eventRows(t, tenant.id, 'refund.succeeded');
  // (The ManualClock stands still, so events of one test share created_at: compare them as sets.)
  const byNo = new Map(
    succeeded.map((e) => [JSON.parse(e.payload).data.refund.out_refund_no as string, JSON.parse(e.payload).data.refund]),
  );
  assert.deepEqual([...byNo.keys()].sort(), [first, rest].sort());
  assert.deepEqual(byNo.get(first).amount, { refund: 30, total: 100, currency: 'CNY' });
  assert.equal(byNo.get(first).status, 'SUCCESS');

  const more = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: outRefundNo(), amount: { refund: 1 } });
  assert.equal(more.status, 422);
  assert.equal(more.body.code, 'REFUND_AMOUNT_EXCEEDED');
  assert.equal(more.body.detail.refundable, 0);
});

test('When a refund asks for more than was paid, then 422 REFUND_AMOUNT_EXCEEDED with the refundable amount, and WeChat Pay is not asked', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const no = outRefundNo();
  const res = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 101 } });
  assert.equal(res.status, 422);
  assert.equal(res.body.code, 'REFUND_AMOUNT_EXCEEDED');
  assert.equal(res.body.detail.refundable, 100);
  assert.equal(refundCalls(no).length, 0);
  assert.equal(
    (
      await request(t.http)
        .get(`/v1/refunds/${no}`)
        .set(...tenant.auth)
    ).status,
    404,
    'nothing was written',
  );

  await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: outRefundNo(), amount: { refund: 60 } }).expect(201);
  const over = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: outRefundNo(), amount: { refund: 41 } });
  assert.equal(over.status, 422);
  assert.equal(over.body.detail.refundable, 40, 'a PROCESSING refund already holds its amount');
});

test('When 10 refunds of 30 fen race on a 100 fen order, then exactly 3 succeed and 7 get REFUND_AMOUNT_EXCEEDED', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const nos = Array.from({ length: 10 }, () => outRefundNo());
  const answers = await Promise.all(
    nos.map((no) => refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 30 } })),
  );
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [201, 201, 201, 422, 422, 422, 422, 422, 422, 422], JSON.stringify(answers.map((a) => a.body)));
  assert.ok(
    answers.filter((a) => a.status === 422).every((a) => a.body.code === 'REFUND_AMOUNT_EXCEEDED' && a.body.detail.refundable === 10),
  );
  const accepted = answers.filter((a) => a.status === 201).map((a) => a.body.refund.out_refund_no as string);
  assert.equal(
    refundCalls().filter((c) => nos.includes((c.body as { out_refund_no: string }).out_refund_no)).length,
    3,
    'only the accepted ones reached WeChat Pay',
  );
  for (const no of accepted) await finish(tenant, no, 'SUCCESS');
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 90);
});

test('When WeChat Pay sends 10 concurrent copies of REFUND.SUCCESS, then the refund and the order change once and one refund.succeeded is recorded', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const no = outRefundNo();
  await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 30 } }).expect(201);
  sim().fault({ kind: 'duplicate_notifications', times: 10, event_type: 'REFUND.SUCCESS' });
  await finish(tenant, no, 'SUCCESS');

  const copies = sim()
    .deliveries()
    .filter((d) => d.url === `${t.config.server.publicBaseUrl}/notify/${tenant.id}/refunds`);
  assert.equal(copies.length, 10);
  assert.deepEqual([...new Set(copies.map((d) => d.status))], [200]);
  assert.equal((await readRefund(tenant, no)).status, 'SUCCESS');
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 30);
  assert.equal((await eventRows(t, tenant.id, 'refund.succeeded')).length, 1);
  const log = (await notificationLog(t, tenant.id)).filter((n) => n.kind === 'refunds');
  assert.equal(log.filter((n) => n.outcome === 'applied').length, 1);
  assert.equal(log.length, 10);
});

test('When a refund notification does not match the refund, then it is refused with {"code":"FAIL"} and nothing changes', async () => {
  const a = await givenWechatTenant(t, provider);
  const b = await givenWechatTenant(t, provider);
  const o = await paidOrder(a, 100);
  const no = outRefundNo();
  const created = await refund(a, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 30 } }).expect(201);
  const resource = {
    sp_mchid: provider.spMchid,
    sub_mchid: a.subMchid,
    transaction_id: o.transactionId,
    out_trade_no: o.outTradeNo,
    refund_id: created.body.refund.refund_id,
    out_refund_no: no,
    refund_status: 'SUCCESS',
    success_time: '2026-11-26T10:00:00+08:00',
    user_received_account: '支付用户零钱',
    amount: { total: 100, refund: 30, payer_total: 100, payer_refund: 30 },
  };
  const cases: Array<[string, string, Tenant, Record<string, unknown>]> = [
    ['amount', 'REFUND.SUCCESS', a, { ...resource, amount: { ...resource.amount, refund: 100, payer_refund: 100 } }],
    ['sub_mchid', 'REFUND.SUCCESS', a, { ...resource, sub_mchid: b.subMchid }],
    ['sub_mchid', 'REFUND.SUCCESS', b, resource],
    ['out_trade_no', 'REFUND.SUCCESS', a, { ...resource, out_trade_no: outTradeNo() }],
    ['out_refund_no', 'REFUND.SUCCESS', a, { ...resource, out_refund_no: outRefundNo() }],
    ['event_type', 'REFUND.CLOSED', a, resource],
  ];
  for (const [check, type, tenant, res] of cases) {
    const wire = wireNotification(t, provider, type, res);
    const answer = await postNotification(t, tenant.id, 'refunds', wire);
    assert.equal(answer.status, 400, `${check}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.code, 'FAIL');
    const [latest, ...more] = await loggedFor(t, tenant.id, eventIdOf(wire));
    assert.equal(more.length, 0);
    assert.equal(latest.outcome, 'refused');
    assert.equal(latest.detail?.check, check);
  }
  assert.equal((await readRefund(a, no)).status, 'PROCESSING');
  assert.equal((await readOrder(a, o.outTradeNo)).refunded_total, 0);
  assert.deepEqual(await eventTypes(a), ['order.paid']);
  assert.deepEqual(await eventTypes(b), []);
});

test('When WeChat Pay reports a refund ABNORMAL, then refund.abnormal is sent and the amount stays held; when it is CLOSED, then refund.closed and the amount can be refunded again', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const abnormal = outRefundNo();
  await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: abnormal, amount: { refund: 40 } }).expect(201);
  await finish(tenant, abnormal, 'ABNORMAL');
  assert.equal((await readRefund(tenant, abnormal)).status, 'ABNORMAL');
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 0);
  const held = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: outRefundNo(), amount: { refund: 61 } });
  assert.equal(held.status, 422);
  assert.equal(held.body.detail.refundable, 60, 'an ABNORMAL refund may still succeed, so it keeps its amount');
  // The operator re-routes it (e.g. to a bank card) and it succeeds after all.
  await finish(tenant, abnormal, 'SUCCESS');
  assert.equal((await readRefund(tenant, abnormal)).status, 'SUCCESS');
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 40);

  const closed = outRefundNo();
  await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: closed, amount: { refund: 60 } }).expect(201);
  await finish(tenant, closed, 'CLOSED');
  const c = await readRefund(tenant, closed);
  assert.equal(c.status, 'CLOSED');
  assert.equal(c.success_time, null);
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 40);
  const again = outRefundNo();
  const retake = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: again, amount: { refund: 60 } });
  assert.equal(retake.status, 201, `a CLOSED refund releases its amount: ${JSON.stringify(retake.body)}`);
  await finish(tenant, again, 'SUCCESS');
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 100);
  assert.deepEqual((await eventTypes(tenant)).sort(), [
    'order.paid',
    'refund.abnormal',
    'refund.closed',
    'refund.succeeded',
    'refund.succeeded',
  ]);
});

test("When a tenant asks for another tenant's refund or refunds another tenant's order, then 404 as if it did not exist", async () => {
  const a = await givenWechatTenant(t, provider);
  const b = await givenWechatTenant(t, provider);
  const o = await paidOrder(a, 100);
  const no = outRefundNo();
  await refund(a, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 10 } }).expect(201);
  const read = await request(t.http)
    .get(`/v1/refunds/${no}`)
    .set(...b.auth);
  assert.equal(read.status, 404);
  assert.equal(read.body.code, 'NOT_FOUND');
  const synced = await request(t.http)
    .get(`/v1/refunds/${no}?sync=true`)
    .set(...b.auth);
  assert.equal(synced.status, 404);
  for (const target of [{ out_trade_no: o.outTradeNo }, { transaction_id: o.transactionId }]) {
    const steal = await refund(b, { ...target, out_refund_no: outRefundNo(), amount: { refund: 10 } });
    assert.equal(steal.status, 404, JSON.stringify(steal.body));
    assert.equal(steal.body.code, 'NOT_FOUND');
  }
  const reuse = await refund(b, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 10 } });
  assert.equal(reuse.status, 404);
});

test('When WeChat Pay keeps failing, then 502 with the refund kept; the same request later resumes it with the same out_refund_no', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const no = outRefundNo();
  const body = { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 50 } };
  sim().fault({ kind: 'http_500', count: 20, path_prefix: '/v3/refund/' });
  const failed = await refund(tenant, body);
  assert.equal(failed.status, 502, JSON.stringify(failed.body));
  assert.equal(failed.body.code, 'UPSTREAM_ERROR');
  assert.equal(failed.body.detail.retryable, true);
  sim().clearFaults();
  const failedCalls = refundCalls(no).length;
  assert.ok(failedCalls >= 2, 'the client retried');

  const held = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: outRefundNo(), amount: { refund: 51 } });
  assert.equal(held.status, 422, 'the unanswered refund still holds its amount');

  const resumed = await refund(tenant, body);
  assert.ok([200, 201].includes(resumed.status), JSON.stringify(resumed.body));
  assert.equal(resumed.body.refund.status, 'PROCESSING');
  assert.match(resumed.body.refund.refund_id, /^50\d+$/);
  const calls = refundCalls(no);
  assert.equal(calls.length, failedCalls + 1);
  assert.ok(
    calls.every((c) => JSON.stringify(c.body) === JSON.stringify(calls[0].body)),
    'every attempt carried the same body and out_refund_no',
  );
  assert.deepEqual(calls.map((c) => c.status).slice(-1), [200]);
  await finish(tenant, no, 'SUCCESS');
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 50);
});

test('When WeChat Pay refuses a refund outright, then the reservation is released and the out_refund_no can be used again', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  // The buyer's money left through another channel: WeChat Pay has less left than partnerpay thinks.
  const outside = `W${outRefundNo()}`.slice(0, 64);
  const { createRefund } = await import('@partnerpay/wxpay');
  const { TOKENS } = await import('../../../src/platform/tokens');
  const sp = (await t.app.container.resolve<import('@partnerpay/wxpay').CredentialsProvider>(TOKENS.Credentials).get(provider.spMchid))!;
  await createRefund(t.app.container.resolve(TOKENS.Wxpay), sp, {
    sub_mchid: tenant.subMchid,
    out_trade_no: o.outTradeNo,
    out_refund_no: outside,
    amount: { refund: 80, total: 100, currency: 'CNY' },
  });
  const no = outRefundNo();
  const refused = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 50 } });
  assert.equal(refused.status, 502, JSON.stringify(refused.body));
  assert.equal(refused.body.code, 'UPSTREAM_ERROR');
  assert.equal(refused.body.detail.retryable, false, 'a definite refusal is not worth retrying as is');
  assert.equal(refused.body.detail?.upstream?.code, 'NOT_ENOUGH', JSON.stringify(refused.body));
  assert.equal(
    (
      await request(t.http)
        .get(`/v1/refunds/${no}`)
        .set(...tenant.auth)
    ).status,
    404,
    'the reservation was released',
  );
  const smaller = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 20 } });
  assert.equal(smaller.status, 201, JSON.stringify(smaller.body));
});

test('When a refund is placed, then WeChat Pay gets the partner body: sub_mchid, the order, out_refund_no, amount with the order total, notify_url of the tenant', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 188);
  const no = outRefundNo();
  await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 88 }, reason: '7天无理由' }).expect(201);
  const [call] = refundCalls(no);
  const body = call.body as Record<string, unknown>;
  const target = body.transaction_id !== undefined ? { transaction_id: o.transactionId } : { out_trade_no: o.outTradeNo };
  assert.deepEqual(body, {
    sub_mchid: tenant.subMchid,
    ...target,
    out_refund_no: no,
    reason: '7天无理由',
    notify_url: `${t.config.server.publicBaseUrl}/notify/${tenant.id}/refunds`,
    amount: { refund: 88, total: 188, currency: 'CNY' },
  });
  assert.equal(call.sp_mchid, provider.spMchid, 'signed as the service provider');

  // Refunding by transaction_id reaches the same order.
  const byTxn = outRefundNo();
  const res = await refund(tenant, { transaction_id: o.transactionId, out_refund_no: byTxn, amount: { refund: 100 } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.refund.out_trade_no, o.outTradeNo);
  const [second] = refundCalls(byTxn);
  assert.equal((second.body as { sub_mchid: string }).sub_mchid, tenant.subMchid);
  assert.deepEqual((second.body as { amount: unknown }).amount, { refund: 100, total: 188, currency: 'CNY' });
});

test('When the same out_refund_no comes again, then the same body answers the same refund (200) and another body is 409 OUT_REFUND_NO_USED', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const no = outRefundNo();
  const body = { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 30 }, reason: 'size' };
  const first = await refund(tenant, body).expect(201);
  const same = await refund(tenant, body);
  assert.equal(same.status, 200);
  assert.deepEqual(same.body.refund, first.body.refund);
  for (const other of [
    { ...body, amount: { refund: 31 } },
    { ...body, reason: 'colour' },
  ]) {
    const res = await refund(tenant, other);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.code, 'OUT_REFUND_NO_USED');
  }
  const otherOrder = await paidOrder(tenant, 100);
  const moved = await refund(tenant, { ...body, out_trade_no: otherOrder.outTradeNo });
  assert.equal(moved.status, 409);
  assert.equal(refundCalls(no).length, 1);
});

test('When an Idempotency-Key is reused, then the first answer is replayed for the same body and 409 IDEMPOTENCY_CONFLICT for another', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const key = `idem-${outRefundNo()}`;
  const body = { out_trade_no: o.outTradeNo, out_refund_no: outRefundNo(), amount: { refund: 10 } };
  const first = await refund(tenant, body, key);
  assert.equal(first.status, 201);
  const replay = await refund(tenant, body, key);
  assert.equal(replay.status, 201);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.deepEqual(replay.body, first.body);
  const conflict = await refund(tenant, { ...body, out_refund_no: outRefundNo() }, key);
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.code, 'IDEMPOTENCY_CONFLICT');
  const races = await Promise.all(
    Array.from({ length: 5 }, () =>
      refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: 'IDEMRACE' + seq, amount: { refund: 5 } }, `race-${seq}`),
    ),
  );
  assert.ok(
    races.every((r) => r.status === 201 && r.body.refund.id === races[0].body.refund.id),
    JSON.stringify(races.map((r) => [r.status, r.body])),
  );
  assert.equal(refundCalls('IDEMRACE' + seq).length, 1);
});

test('When the order is not paid (or unknown), then 422 ORDER_NOT_REFUNDABLE (or 404), and WeChat Pay is not asked', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);
  const no = outRefundNo();
  const unpaid = await refund(tenant, { out_trade_no: body.out_trade_no, out_refund_no: no, amount: { refund: 10 } });
  assert.equal(unpaid.status, 422);
  assert.equal(unpaid.body.code, 'ORDER_NOT_REFUNDABLE');
  await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/close`)
    .set(...tenant.auth)
    .expect(200);
  const closed = await refund(tenant, { out_trade_no: body.out_trade_no, out_refund_no: no, amount: { refund: 10 } });
  assert.equal(closed.status, 422);
  assert.equal(closed.body.code, 'ORDER_NOT_REFUNDABLE');
  const unknown = await refund(tenant, { out_trade_no: outTradeNo(), out_refund_no: no, amount: { refund: 10 } });
  assert.equal(unknown.status, 404);
  assert.equal(refundCalls(no).length, 0);
  const bad = await refund(tenant, {
    out_trade_no: body.out_trade_no,
    transaction_id: '4200000000',
    out_refund_no: 'a b',
    amount: { refund: 0.5 },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'PARAM_ERROR');
});

test('When WeChat Pay finished a refund but its notification is late, then GET ?sync=true and the reconciler bring it up to date', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const bySync = outRefundNo();
  const byJob = outRefundNo();
  await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: bySync, amount: { refund: 20 } }).expect(201);
  await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: byJob, amount: { refund: 30 } }).expect(201);
  // Both notifications are lost for ten days.
  sim().fault({ kind: 'delay_notifications', count: 2, delay_ms: 10 * 86_400_000, event_type: 'REFUND.SUCCESS' });
  await finish(tenant, bySync, 'SUCCESS');
  await finish(tenant, byJob, 'SUCCESS');
  assert.equal(sim().faults().length, 0);

  assert.equal((await readRefund(tenant, bySync)).status, 'PROCESSING');
  const synced = await readRefund(tenant, bySync, true);
  assert.equal(synced.status, 'SUCCESS');
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 20);

  const reconciler = t.app.modules.find((f) => f.name === 'payments')!.jobs!(t.app.container).find((j) => j.name === 'refunds.reconcile')!;
  await reconciler.run();
  assert.equal((await readRefund(tenant, byJob)).status, 'PROCESSING', 'too recent for the reconciler');
  clock.advance(t.config.orders.reconcileAfterSeconds * 1000 + 1000);
  await reconciler.run();
  assert.equal((await readRefund(tenant, byJob)).status, 'SUCCESS');
  assert.equal((await readOrder(tenant, o.outTradeNo)).refunded_total, 50);
  assert.equal((await eventRows(t, tenant.id, 'refund.succeeded')).length, 2);
});

test('When operators list refunds, then filters by tenant, status, out_trade_no and out_refund_no (and orders by transaction_id) and cursor paging work; tenants cannot use it', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o1 = await paidOrder(tenant, 100);
  const o2 = await paidOrder(tenant, 100);
  const nos = [outRefundNo(), outRefundNo(), outRefundNo()];
  await refund(tenant, { out_trade_no: o1.outTradeNo, out_refund_no: nos[0], amount: { refund: 10 } }).expect(201);
  await refund(tenant, { out_trade_no: o1.outTradeNo, out_refund_no: nos[1], amount: { refund: 10 } }).expect(201);
  await refund(tenant, { out_trade_no: o2.outTradeNo, out_refund_no: nos[2], amount: { refund: 10 } }).expect(201);
  await finish(tenant, nos[1], 'SUCCESS');

  const list = (q: string) =>
    request(t.http)
      .get(`/admin/v1/refunds?${q}`)
      .set(...admin(t));
  const page1 = await list(`tenant_id=${tenant.id}&limit=2`);
  assert.equal(page1.status, 200);
  assert.equal(page1.body.data.length, 2);
  assert.ok(page1.body.next_cursor);
  const page2 = await list(`tenant_id=${tenant.id}&limit=2&cursor=${page1.body.next_cursor}`);
  assert.equal(page2.body.data.length, 1);
  assert.equal(page2.body.next_cursor, null);
  assert.deepEqual([...page1.body.data, ...page2.body.data].map((r: { out_refund_no: string }) => r.out_refund_no).sort(), [...nos].sort());
  assert.ok(
    page1.body.data.every((r: { tenant_id: string; sub_mchid: string }) => r.tenant_id === tenant.id && r.sub_mchid === tenant.subMchid),
  );

  const succeeded = await list(`tenant_id=${tenant.id}&status=SUCCESS`);
  assert.deepEqual(
    succeeded.body.data.map((r: { out_refund_no: string }) => r.out_refund_no),
    [nos[1]],
  );
  const ofOrder = await list(`tenant_id=${tenant.id}&out_trade_no=${o2.outTradeNo}`);
  assert.deepEqual(
    ofOrder.body.data.map((r: { out_refund_no: string }) => r.out_refund_no),
    [nos[2]],
  );
  // Across every tenant: the one refund, and the one order, a buyer's receipt names.
  const byRefundNo = await list(`out_refund_no=${nos[1]}`);
  assert.deepEqual(
    byRefundNo.body.data.map((r: { out_refund_no: string; tenant_id: string }) => [r.out_refund_no, r.tenant_id]),
    [[nos[1], tenant.id]],
  );
  const byTransaction = await request(t.http)
    .get(`/admin/v1/orders?transaction_id=${o2.transactionId}`)
    .set(...admin(t));
  assert.equal(byTransaction.status, 200);
  assert.deepEqual(
    byTransaction.body.data.map((o: { out_trade_no: string }) => o.out_trade_no),
    [o2.outTradeNo],
  );
  assert.equal((await list('status=NOPE')).status, 400);
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/refunds')
        .set(...tenant.auth)
    ).status,
    401,
  );
});

test('When the order was paid more than a year ago, then 422 ORDER_NOT_REFUNDABLE (WeChat Pay refunds within a year)', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  clock.advance(364 * 86_400_000);
  const within = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: outRefundNo(), amount: { refund: 10 } });
  assert.equal(within.status, 201, JSON.stringify(within.body));
  clock.advance(2 * 86_400_000);
  const no = outRefundNo();
  const late = await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 10 } });
  assert.equal(late.status, 422, JSON.stringify(late.body));
  assert.equal(late.body.code, 'ORDER_NOT_REFUNDABLE');
  assert.match(late.body.message, /year/);
  assert.equal(refundCalls(no).length, 0);
});

test('When two nodes run the refund reconciler at once, then each due refund is queried by one of them only', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const o = await paidOrder(tenant, 100);
  const no = outRefundNo();
  await refund(tenant, { out_trade_no: o.outTradeNo, out_refund_no: no, amount: { refund: 10 } }).expect(201);
  sim().fault({ kind: 'delay_notifications', count: 1, delay_ms: 10 * 86_400_000, event_type: 'REFUND.SUCCESS' });
  await finish(tenant, no, 'SUCCESS');
  clock.advance(t.config.orders.reconcileAfterSeconds * 1000 + 1000);
  const reconciler = t.app.modules.find((f) => f.name === 'payments')!.jobs!(t.app.container).find((j) => j.name === 'refunds.reconcile')!;
  sim().clearLogs();
  await Promise.all([reconciler.run(), reconciler.run()]);
  assert.equal(
    sim()
      .calls()
      .filter((c) => c.method === 'GET' && c.path.includes(`/refunds/${no}`)).length,
    1,
    'one query',
  );
  assert.equal((await readRefund(tenant, no)).status, 'SUCCESS');
  assert.equal((await eventRows(t, tenant.id, 'refund.succeeded')).length, 1);
});
