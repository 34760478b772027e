import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { eventRows } from '../../support/notifications';
import { ManualClock } from '../../../src/platform/clock';
import { beijingDay } from '../../../src/platform/clock';
import { ReconciliationService } from '../../../src/modules/bills/reconciliation.service';

// One app, one provider with two tenants, the simulator's ledger as WeChat Pay's truth; bill faults
// make the bill disagree with partnerpay's records in each documented way.
let t: TestApp;
let clock: ManualClock;
let provider: Provider;
let a: Tenant;
let b: Tenant;
let day: string;
const paid: Record<string, { outTradeNo: string; total: number }> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Json = Record<string, any>;
const sim = () => simulatorOf(t);

async function pay(tenant: Tenant, total: number, opts: { loseNotification?: boolean } = {}): Promise<string> {
  const body = orderBody(tenant, { amount: { total, currency: 'CNY' } });
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  // A notification held back for a day of simulator time: partnerpay never hears of this payment.
  if (opts.loseNotification) sim().fault({ kind: 'delay_notifications', delay_ms: 86_400_000 });
  await sim().pay({ prepay_id: res.body.order.prepay_id });
  return body.out_trade_no as string;
}

async function orderState(tenant: Tenant, outTradeNo: string): Promise<string> {
  const res = await request(t.http)
    .get(`/v1/orders/${outTradeNo}`)
    .set(...tenant.auth);
  return res.body.order.trade_state;
}

/** POST a run and poll it until it leaves `running` (bounded). */
async function reconcile(spMchid: string, rerun = true): Promise<Json> {
  const res = await request(t.http)
    .post('/admin/v1/reconciliations')
    .set(...admin(t))
    .send({ sp_mchid: spMchid, bill_date: day, rerun });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return waitFor(res.body.reconciliation.id);
}

async function waitFor(id: string, until = (r: Json) => r.status !== 'running'): Promise<Json> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await request(t.http)
      .get(`/admin/v1/reconciliations/${id}`)
      .set(...admin(t));
    assert.equal(res.status, 200);
    if (until(res.body.reconciliation)) return res.body.reconciliation;
    if (Date.now() > deadline) assert.fail(`reconciliation ${id} still ${res.body.reconciliation.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function discrepancies(id: string, query = ''): Promise<Array<Json>> {
  const res = await request(t.http)
    .get(`/admin/v1/reconciliations/${id}/discrepancies?limit=100${query}`)
    .set(...admin(t));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

// Reconciliation runs are claimed by any app on the same database: each file reconciles in a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>> | undefined;
before(async () => {
  clock = new ManualClock();
  t = await startTestApp({ db: { url: (db = await isolatedDatabase()).url }, bills: { boundaryMinutes: 0 } }, { clock });
  provider = await givenWechatProvider(t, rsaPems());
  a = await givenWechatTenant(t, provider);
  b = await givenWechatTenant(t, provider);
  day = beijingDay(clock.now());
  paid.a1 = { outTradeNo: await pay(a, 100), total: 100 };
  paid.a2 = { outTradeNo: await pay(a, 200), total: 200 };
  paid.a3 = { outTradeNo: await pay(a, 300), total: 300 };
  paid.b1 = { outTradeNo: await pay(b, 400), total: 400 };
  const refund = await request(t.http)
    .post('/v1/refunds')
    .set(...a.auth)
    .send({ out_trade_no: paid.a1.outTradeNo, out_refund_no: `R${paid.a1.outTradeNo.slice(1)}`, amount: { refund: 50 } });
  assert.equal(refund.status, 201, JSON.stringify(refund.body));
  await sim().finishRefund({ sub_mchid: a.subMchid, out_refund_no: `R${paid.a1.outTradeNo.slice(1)}`, status: 'SUCCESS' });
});
after(async () => {
  await t.close();
  await db?.drop();
});

test('When the bill disagrees with the records, each difference is reported by kind, the lost payment is confirmed and fixed', async () => {
  paid.lost = { outTradeNo: await pay(a, 500, { loseNotification: true }), total: 500 };
  assert.equal(await orderState(a, paid.lost.outTradeNo), 'NOTPAY', 'the notification never arrived');
  const stranger = uniqueMchid();
  sim().billFaults({
    unknown_paid_row: [
      { sub_mchid: a.subMchid, total: 700, out_trade_no: 'PHANTOM0001' },
      { sub_mchid: stranger, total: 900 },
    ],
    change_amount: { out_trade_no: paid.a2.outTradeNo, total: 250 },
    drop_row: { out_trade_no: paid.a3.outTradeNo },
  });
  const run = await reconcile(provider.spMchid, false);
  sim().billFaults({});
  assert.equal(run.status, 'done', run.error);
  assert.equal(run.bill.hash_verified, true);
  assert.equal(run.bill.rows, 7, '5 payments (one dropped, two unknown added) and 1 refund... counted from the bill');
  assert.deepEqual(run.summary, { matched: 3, missing_local: 2, missing_upstream: 1, amount_mismatch: 1, state_mismatch: 1, fixed: 1 });

  const all = await discrepancies(run.id);
  const byKind = (k: string) => all.filter((d) => d.kind === k);
  const unattributed = byKind('missing_local').find((d) => d.sub_mchid === stranger)!;
  assert.equal(unattributed.tenant_id, null, 'a sub_mchid that is no tenant of this provider is reported, never attributed');
  assert.equal(unattributed.bill.amount, 900);
  assert.equal(byKind('missing_local').find((d) => d.tenant_id === a.id)!.out_trade_no, 'PHANTOM0001');
  assert.deepEqual(
    byKind('amount_mismatch').map((d) => [d.out_trade_no, d.bill.amount, d.local.amount]),
    [[paid.a2.outTradeNo, 250, 200]],
  );
  assert.deepEqual(
    byKind('missing_upstream').map((d) => [d.out_trade_no, d.local.amount]),
    [[paid.a3.outTradeNo, 300]],
  );
  const state = byKind('state_mismatch')[0];
  assert.equal(state.out_trade_no, paid.lost.outTradeNo);
  assert.equal(state.status, 'fixed');
  assert.equal(await orderState(a, paid.lost.outTradeNo), 'SUCCESS', 'applied after WeChat Pay confirmed it');
  const queried = sim()
    .calls()
    .filter((c) => c.method === 'GET' && c.path.includes(`/out-trade-no/${paid.lost.outTradeNo}`));
  assert.ok(queried.length >= 1, 'the fix followed a query to WeChat Pay');
  assert.equal((await discrepancies(run.id, `&tenant_id=${b.id}`)).length, 0);
  assert.equal((await discrepancies(run.id, '&kind=amount_mismatch')).length, 1);

  const ta = run.tenants.find((x: { tenant_id: string }) => x.tenant_id === a.id);
  // Paid in the bill: 100 + 250 (as the bill says) + 700 (phantom) + 500 (lost) ; refunded 50; fee 0.60% per row, rounded.
  assert.deepEqual(ta.totals, { paid: 1550, refunded: 50, fee: 1 + 1 + 4 + 3 - 0 });
  assert.equal(ta.fundflow.fee_ties, false, 'the faulted bill no longer ties to the fund flow');
  const tb = run.tenants.find((x: { tenant_id: string }) => x.tenant_id === b.id);
  assert.deepEqual(tb.summary, { matched: 1, missing_local: 0, missing_upstream: 0, amount_mismatch: 0, state_mismatch: 0, fixed: 0 });
  assert.deepEqual(tb.totals, { paid: 400, refunded: 0, fee: 2 });
  assert.equal(tb.fundflow.fee_ties, true);

  // Each tenant sees its own part only, and gets one event for the run.
  const mine = await request(t.http)
    .get(`/v1/reconciliations/${day}`)
    .set(...b.auth);
  assert.equal(mine.status, 200);
  assert.equal(mine.body.reconciliation.id, run.id);
  assert.deepEqual(mine.body.reconciliation.totals, { paid: 400, refunded: 0, fee: 2 });
  assert.deepEqual(mine.body.discrepancies.data, []);
  const events = await eventRows(t, b.id, 'reconciliation.completed');
  assert.equal(events.length, 1);
  assert.equal(JSON.parse(events[0].payload).data.reconciliation.id, run.id);
  const csv = await request(t.http)
    .get(`/v1/bills/${day}`)
    .set(...b.auth);
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /text\/csv/);
  const lines = csv.text.split('\r\n');
  assert.equal(
    lines[0],
    '\ufeff交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
  );
  assert.equal(lines.length, 5, 'header, its one row, summary header and row, trailing empty line');
  assert.ok(lines[1].includes(`\`${paid.b1.outTradeNo},`) && !csv.text.includes(a.subMchid), 'only its own rows');
  assert.equal(lines[3], '`1,`4.00,`0.00,`0.00,`0.02,`4.00,`0.00');
});

test('When the same provider and day are posted again the current run answers; rerun starts a new, clean one that ties', async () => {
  const first = await request(t.http)
    .post('/admin/v1/reconciliations')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, bill_date: day });
  const again = await request(t.http)
    .post('/admin/v1/reconciliations')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, bill_date: day });
  assert.equal(again.status, 202);
  assert.equal(again.body.reconciliation.id, first.body.reconciliation.id);
  clock.advance(1000); // runs list newest first by creation time
  const run = await reconcile(provider.spMchid, true);
  assert.notEqual(run.id, first.body.reconciliation.id);
  assert.equal(run.status, 'done', run.error);
  // The lost payment is fixed now; the dropped, changed and phantom rows are gone with the faults.
  assert.deepEqual(run.summary, { matched: 6, missing_local: 0, missing_upstream: 0, amount_mismatch: 0, state_mismatch: 0, fixed: 0 });
  for (const x of run.tenants) assert.equal(x.fundflow.fee_ties, true, `tenant ${x.tenant_id}: trade fees tie to the fund flow`);
  const fundflow = await request(t.http)
    .get(`/v1/bills/${day}?type=fundflow`)
    .set(...a.auth);
  assert.equal(fundflow.status, 200);
  assert.match(fundflow.text, /扣除交易手续费/);
  assert.ok(fundflow.text.includes(paid.a3.outTradeNo), 'the decrypted sub-merchant fund flow names its orders');
  const list = await request(t.http)
    .get(`/admin/v1/reconciliations?sp_mchid=${provider.spMchid}&bill_date=${day}`)
    .set(...admin(t));
  assert.equal(list.body.data[0].id, run.id, 'newest first');
  const audit = await request(t.http)
    .get(`/admin/v1/audit-log?action=reconciliation.request&target=reconciliation:${run.id}`)
    .set(...admin(t));
  assert.equal(audit.body.data.length, 1, 'a new run is an audited operator write');
});

test('When the download is corrupted, truncated or hash-mismatched, the run fails saying which and shows no results', async () => {
  for (const [fault, why] of [
    [{ corrupt_hash: true }, /hash mismatch/],
    [{ truncate: true }, /corrupted or truncated/],
  ] as const) {
    sim().billFaults(fault);
    const run = await reconcile(provider.spMchid);
    sim().billFaults({});
    assert.equal(run.status, 'failed', JSON.stringify(fault));
    assert.match(run.error, why);
    assert.equal(run.summary, null);
    assert.deepEqual(await discrepancies(run.id), []);
    const tenantView = await request(t.http)
      .get(`/v1/reconciliations/${day}`)
      .set(...a.auth);
    assert.equal(tenantView.body.reconciliation.status, 'done', 'tenants keep seeing the earlier good run');
    assert.notEqual(tenantView.body.reconciliation.id, run.id);
  }
  const clean = await reconcile(provider.spMchid);
  assert.equal(clean.status, 'done');
  assert.equal(clean.summary.matched, 6, 'a rerun starts clean');
});

test('When the bill is not ready the run waits and retries later; an empty day is done with zero rows', async () => {
  sim().billFaults({ not_ready: 1 });
  const res = await request(t.http)
    .post('/admin/v1/reconciliations')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, bill_date: day, rerun: true });
  const waiting = await waitFor(res.body.reconciliation.id, (r) => /STATEMENT_CREATING/.test(r.error ?? ''));
  assert.equal(waiting.status, 'running');
  assert.match(waiting.error, /STATEMENT_CREATING/);
  clock.advance(t.config.bills.retryMinutes * 60_000 + 1000);
  await t.app.container.resolve(ReconciliationService).processDue();
  const done = await waitFor(waiting.id);
  assert.equal(done.status, 'done');
  assert.equal(done.attempts, 2);

  const quiet = await givenWechatProvider(t, rsaPems());
  const empty = await reconcile(quiet.spMchid);
  assert.equal(empty.status, 'done', 'NO_STATEMENT_EXIST is an empty day');
  assert.equal(empty.bill.rows, 0);
});

test('When two nodes look for due work at once, one claims the run and runs it once', async () => {
  const service = t.app.container.resolve(ReconciliationService);
  const { run } = await service.repo.request(provider.spMchid, day, clock.now(), true);
  await Promise.all([service.processDue(), service.processDue(), service.processDue()]);
  const done = await waitFor(run.id);
  assert.equal(done.status, 'done', done.error);
  assert.equal(done.attempts, 1);
});

test('When the date is in the future, over three months old or not a date, the answer is 400 naming bill_date', async () => {
  for (const bill_date of [beijingDay(clock.now() + 2 * 86_400_000), beijingDay(clock.now() - 100 * 86_400_000), '2026-02-30']) {
    const res = await request(t.http)
      .post('/admin/v1/reconciliations')
      .set(...admin(t))
      .send({ sp_mchid: provider.spMchid, bill_date });
    assert.equal(res.status, 400, bill_date);
    assert.equal(res.body.code, 'PARAM_ERROR');
    assert.equal(res.body.detail.fields[0].field, 'bill_date');
  }
});
