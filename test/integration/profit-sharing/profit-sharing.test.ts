import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { eventRows } from '../../support/notifications';
import { ManualClock } from '../../../src/platform/clock';
import { ProfitSharingFollower } from '../../../src/modules/profit-sharing/profit-sharing.follower';

// One ManualClock drives partnerpay and the simulator: a minute after payment, the follower's
// backoff and the 30-day freeze all pass on advance().
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
const follower = () => t.app.container.resolve(ProfitSharingFollower);
let seq = 0;
const no = (p: string) => `${p}${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(3).toString('hex')}`;
const splitCalls = () =>
  sim()
    .calls()
    .filter((c) => c.method === 'POST' && c.path.startsWith('/v3/profitsharing/orders'));

/** A tenant with `receivers` (MERCHANT_ID mchids) approved and registered through the admin API. */
async function tenantWith(receivers: number, maxRatio?: number): Promise<{ tenant: Tenant; mchids: string[] }> {
  const tenant = await givenWechatTenant(t, provider);
  if (maxRatio !== undefined) sim().configureProfitSharing({ sub_mchid: tenant.subMchid, max_ratio: maxRatio });
  const mchids: string[] = [];
  for (let i = 0; i < receivers; i++) {
    const account = uniqueMchid();
    const res = await request(t.http)
      .post(`/admin/v1/tenants/${tenant.id}/receivers`)
      .set(...admin(t))
      .send({ type: 'MERCHANT_ID', account, name: '深圳市平台科技有限公司', relation_type: 'SERVICE_PROVIDER' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    mchids.push(account);
  }
  return { tenant, mchids };
}

/** A paid profit-sharing order (total fen), a minute and a second after payment. */
async function paidOrder(tenant: Tenant, total = 100, profitSharing = true): Promise<string> {
  const body = orderBody(tenant, { amount: { total, currency: 'CNY' }, ...(profitSharing ? { profit_sharing: true } : {}) });
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await sim().pay({ prepay_id: res.body.order.prepay_id });
  clock.advance(61_000);
  return body.out_trade_no as string;
}

function split(tenant: Tenant, body: Record<string, unknown>, key?: string): request.Test {
  const r = request(t.baseUrl)
    .post('/v1/profit-sharing/orders')
    .set(...tenant.auth);
  if (key) r.set('Idempotency-Key', key);
  return r.send(body);
}
const to = (account: string, amount: number) => ({ type: 'MERCHANT_ID', account, amount, description: '平台服务费' });

interface SplitJson {
  state: string;
  amount: number;
  receivers: Array<{ account: string; result: string; fail_reason: string | null }>;
}

async function followUntilFinal(tenant: Tenant, outOrderNo: string): Promise<SplitJson> {
  for (let i = 0; i < 10; i++) {
    clock.advance(11 * 60_000);
    await follower().runOnce();
    const res = await request(t.http)
      .get(`/v1/profit-sharing/orders/${outOrderNo}`)
      .set(...tenant.auth);
    assert.equal(res.status, 200);
    if (res.body.profit_sharing_order.state === 'FINISHED') return res.body.profit_sharing_order;
  }
  throw new Error(`split ${outOrderNo} did not finish`);
}

test('An operator approves a receiver: added at WeChat Pay with the name encrypted, approved on the tenant, listed masked; tenants cannot', async () => {
  const { tenant, mchids } = await tenantWith(1);
  const add = sim()
    .calls()
    .find((c) => c.path === '/v3/profitsharing/receivers/add' && (c.body as { account?: string }).account === mchids[0]);
  assert.ok(add, 'receivers/add reached WeChat Pay');
  const body = add.body as Record<string, string>;
  assert.equal(body.sub_mchid, tenant.subMchid);
  assert.equal(body.appid, provider.spAppid);
  assert.notEqual(body.name, '深圳市平台科技有限公司', 'the name travels encrypted (the simulator decrypted it with its key)');
  const tenantJson = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t));
  assert.deepEqual(tenantJson.body.profit_sharing.receivers, [{ type: 'MERCHANT_ID', account: mchids[0] }]);
  const list = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}/receivers`)
    .set(...admin(t));
  assert.equal(list.status, 200);
  assert.equal(list.body.data[0].name, '深**********');
  assert.equal(list.body.data[0].registered_at_wechat_pay, true);
  assert.ok(!JSON.stringify(list.body).includes('平台科技'));
  const byTenant = await request(t.http)
    .post(`/admin/v1/tenants/${tenant.id}/receivers`)
    .set(...tenant.auth)
    .send({ type: 'MERCHANT_ID', account: '1900000999', name: 'x', relation_type: 'PARTNER' });
  assert.equal(byTenant.status, 401);
  const noName = await request(t.http)
    .post(`/admin/v1/tenants/${tenant.id}/receivers`)
    .set(...admin(t))
    .send({ type: 'MERCHANT_ID', account: '1900000999', relation_type: 'PARTNER' });
  assert.equal(noName.status, 400);
  assert.equal(noName.body.detail.fields[0].field, 'name');

  const del = await request(t.http)
    .delete(`/admin/v1/tenants/${tenant.id}/receivers/${mchids[0]}`)
    .set(...admin(t));
  assert.equal(del.status, 204, JSON.stringify(del.body));
  assert.ok(
    sim()
      .calls()
      .some((c) => c.path === '/v3/profitsharing/receivers/delete' && (c.body as { account?: string }).account === mchids[0]),
  );
  const after = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}/receivers`)
    .set(...admin(t));
  assert.deepEqual(after.body.data, []);
  // Adding and removing a receiver are audited as such, the name masked (issue 30 item 6).
  const audit = await request(t.http)
    .get(`/admin/v1/audit-log?target=tenant:${tenant.id}&limit=50`)
    .set(...admin(t));
  const entries = audit.body.data.filter((e: { action: string }) => e.action.startsWith('receiver.'));
  assert.deepEqual(entries.map((e: { action: string }) => e.action).sort(), ['receiver.add', 'receiver.remove']);
  assert.ok(JSON.stringify(entries).includes(mchids[0]));
  assert.ok(!JSON.stringify(entries).includes('平台科技'), 'the name is masked in the audit log');
  const out = await paidOrder(tenant);
  const res = await split(tenant, { out_trade_no: out, out_order_no: no('P'), receivers: [to(mchids[0], 10)] });
  assert.equal(res.status, 422);
  assert.equal(res.body.detail.rule, 'receiver_not_approved');
});

test('A split end to end: settle_info sent, PROCESSING, partial failure recorded per receiver, profit_sharing.finished, compliance report', async () => {
  const { tenant, mchids } = await tenantWith(2);
  const out = await paidOrder(tenant, 1000);
  const placed = sim()
    .calls()
    .find((c) => c.path === '/v3/pay/partner/transactions/jsapi' && (c.body as { out_trade_no?: string }).out_trade_no === out);
  assert.deepEqual((placed!.body as { settle_info?: unknown }).settle_info, { profit_sharing: true });
  const order = await request(t.http)
    .get(`/v1/orders/${out}`)
    .set(...tenant.auth);
  assert.equal(order.body.order.profit_sharing, true);

  const outOrderNo = no('P');
  const body = { out_trade_no: out, out_order_no: outOrderNo, receivers: [to(mchids[0], 200), to(mchids[1], 50)] };
  const res = await split(tenant, body, `k-${outOrderNo}`);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const ps = res.body.profit_sharing_order;
  assert.equal(ps.state, 'PROCESSING');
  assert.deepEqual(
    ps.receivers.map((r: { result: string }) => r.result),
    ['PENDING', 'PENDING'],
  );
  const sent = splitCalls().filter((c) => (c.body as { out_order_no?: string }).out_order_no === outOrderNo);
  assert.equal(sent.length, 1);
  // Replays: same Idempotency-Key, same out_order_no without one; another body under the number is 409.
  const replay = await split(tenant, body, `k-${outOrderNo}`);
  assert.equal(replay.status, 201);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.equal((await split(tenant, body)).status, 200);
  const other = await split(tenant, { ...body, receivers: [to(mchids[0], 201)] });
  assert.equal(other.status, 409);
  assert.equal(other.body.code, 'OUT_ORDER_NO_USED');
  assert.equal(splitCalls().filter((c) => (c.body as { out_order_no?: string }).out_order_no === outOrderNo).length, 1);

  sim().finishSplit({ out_order_no: outOrderNo, closed: { [mchids[1]]: 'NO_RELATION' } });
  const done = await followUntilFinal(tenant, outOrderNo);
  assert.deepEqual(
    done.receivers.map((r) => [r.account, r.result, r.fail_reason]),
    [
      [mchids[0], 'SUCCESS', null],
      [mchids[1], 'CLOSED', 'NO_RELATION'],
    ],
  );
  assert.equal(done.amount, 200, 'a CLOSED row no longer counts against the cap');
  const events = await eventRows(t, tenant.id, 'profit_sharing.finished');
  assert.equal(events.length, 1, 'one event however many times the follower looked');
  const data = JSON.parse(events[0].payload).data;
  assert.equal(data.out_order_no, outOrderNo);
  assert.equal(data.receivers[1].result, 'CLOSED');
  await follower().runOnce();
  assert.equal((await eventRows(t, tenant.id, 'profit_sharing.finished')).length, 1);

  const report = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}/compliance`)
    .set(...admin(t));
  assert.equal(report.status, 200);
  assert.deepEqual(report.body.profit_sharing, {
    max_ratio: 3000,
    orders_split: 1,
    split_total: 200,
    paid_total: 1000,
    highest_share: 2000,
  });
  assert.equal(report.body.rules.find((r: { rule: string }) => r.rule === 'ratio_above_cap').holds, true);
});

test('Bad input and the guard: 4xx naming the field or rule, and nothing sent to WeChat Pay', async () => {
  const { tenant, mchids } = await tenantWith(1, 2000); // WeChat Pay says 20%, the tenant 30%: 20% holds
  const out = await paidOrder(tenant, 100);
  const plain = await paidOrder(tenant, 100, false);
  const before = splitCalls().length;
  const many = Array.from({ length: 51 }, (_, i) => to(String(1900000000 + i), 1));
  const cases: Array<
    [string, Record<string, unknown>, number, (b: { detail: Record<string, unknown> & { fields?: Array<{ field: string }> } }) => unknown]
  > = [
    ['zero amount', { receivers: [to(mchids[0], 0)] }, 400, (b) => b.detail.fields?.[0].field],
    ['negative amount', { receivers: [to(mchids[0], -5)] }, 400, (b) => b.detail.fields?.[0].field],
    ['51 receivers', { receivers: many }, 400, (b) => b.detail.fields?.[0].field],
    ['duplicate receiver', { receivers: [to(mchids[0], 1), to(mchids[0], 2)] }, 400, (b) => b.detail.fields?.[0].field],
    ['unknown out_trade_no', { out_trade_no: 'NOSUCHORDER01' }, 404, (b) => b.detail.field],
    ['order without profit_sharing', { out_trade_no: plain }, 409, (b) => b.detail.reason],
    ['not approved', { receivers: [to('1900000777', 1)] }, 422, (b) => b.detail.rule],
    ['above the tenant ratio', { receivers: [to(mchids[0], 31)] }, 422, (b) => b.detail.rule],
    ["above WeChat Pay's ratio", { receivers: [to(mchids[0], 21)] }, 422, (b) => b.detail.rule],
  ];
  const expected = [
    'receivers.0.amount',
    'receivers.0.amount',
    'receivers',
    'receivers.1.account',
    'out_trade_no',
    'not_profit_sharing',
    'receiver_not_approved',
    'ratio_above_cap',
    'ratio_above_cap',
  ];
  for (const [i, [name, over, status, pick]] of cases.entries()) {
    const res = await split(tenant, { out_trade_no: out, out_order_no: no('B'), receivers: [to(mchids[0], 1)], ...over });
    assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
    assert.equal(pick(res.body), expected[i], name);
  }
  assert.equal(splitCalls().length, before, 'no bad request reached WeChat Pay');
  // Within a minute of payment: 409 too_soon, nothing sent.
  const body = orderBody(tenant, { profit_sharing: true });
  const fresh = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  await sim().pay({ prepay_id: fresh.body.order.prepay_id });
  const soon = await split(tenant, { out_trade_no: body.out_trade_no, out_order_no: no('S'), receivers: [to(mchids[0], 1)] });
  assert.equal(soon.status, 409);
  assert.equal(soon.body.detail.reason, 'too_soon');
  // Cumulative: 15 then 6 of 100 under a 20% cap.
  assert.equal((await split(tenant, { out_trade_no: out, out_order_no: no('C'), receivers: [to(mchids[0], 15)] })).status, 201);
  const second = await split(tenant, { out_trade_no: out, out_order_no: no('C'), receivers: [to(mchids[0], 6)] });
  assert.equal(second.status, 422);
  assert.deepEqual([second.body.detail.rule, second.body.detail.cap, second.body.detail.already_split], ['ratio_above_cap', 20, 15]);
  assert.equal(splitCalls().length, before + 1);
  // Past the 30-day freeze nothing splits.
  const late = await paidOrder(tenant, 100);
  clock.advance(30 * 86_400_000);
  const expired = await split(tenant, { out_trade_no: late, out_order_no: no('L'), receivers: [to(mchids[0], 1)] });
  assert.equal(expired.status, 409);
  assert.equal(expired.body.detail.reason, 'freeze_expired');
});

test('Concurrent splits of one payment are serialised: two that together exceed the cap never both pass', async () => {
  const seed = Number(process.env.TEST_SEED ?? Date.now() % 100_000);
  console.log(`# concurrent split seed ${seed}`);
  let x = seed;
  const rand = (n: number) => (x = (x * 1103515245 + 12345) % 2 ** 31) % n;
  const { tenant, mchids } = await tenantWith(1);
  for (let round = 0; round < 4; round++) {
    const total = 100 + rand(900);
    const cap = Math.floor(total * 0.3);
    const a = Math.floor(cap / 2) + 1 + rand(Math.ceil(cap / 2));
    const b = cap - a + 1 + rand(a);
    const out = await paidOrder(tenant, total);
    const answers = await Promise.all(
      [a, b, a].map((amount) => split(tenant, { out_trade_no: out, out_order_no: no('R'), receivers: [to(mchids[0], amount)] })),
    );
    const passed = answers.filter((r) => r.status === 201);
    assert.ok(
      answers.every((r) => r.status === 201 || (r.status === 422 && r.body.detail.rule === 'ratio_above_cap')),
      JSON.stringify(answers.map((r) => r.body)),
    );
    const sum = passed.reduce((s, r) => s + r.body.profit_sharing_order.amount, 0);
    assert.ok(sum <= cap, `seed ${seed}: ${sum} fen split of a ${cap} fen cap`);
    assert.equal(passed.length, 1, `seed ${seed}: amounts ${a}, ${b}, ${a} of cap ${cap}`);
  }
});

test('Returns: from a merchant receiver whose share succeeded, within what it got; PROCESSING followed to the end; profit_sharing.returned', async () => {
  const { tenant, mchids } = await tenantWith(2);
  const out = await paidOrder(tenant, 1000);
  const outOrderNo = no('P');
  assert.equal(
    (await split(tenant, { out_trade_no: out, out_order_no: outOrderNo, receivers: [to(mchids[0], 100), to(mchids[1], 100)] })).status,
    201,
  );
  const ret = (body: Record<string, unknown>) =>
    request(t.http)
      .post('/v1/profit-sharing/returns')
      .set(...tenant.auth)
      .send({ out_order_no: outOrderNo, out_return_no: no('T'), return_mchid: mchids[0], amount: 10, description: '用户退款', ...body });
  const early = await ret({});
  assert.equal(early.status, 422, 'not before the split finished');
  sim().finishSplit({ out_order_no: outOrderNo, closed: { [mchids[1]]: 'ACCOUNT_ABNORMAL' } });
  await followUntilFinal(tenant, outOrderNo);

  const first = await ret({ amount: 60 });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(first.body.profit_sharing_return.result, 'SUCCESS');
  const tooMuch = await ret({ amount: 41 });
  assert.equal(tooMuch.status, 422);
  assert.deepEqual([tooMuch.body.code, tooMuch.body.detail.returnable], ['RETURN_AMOUNT_EXCEEDED', 40]);
  const failed = await ret({ return_mchid: mchids[1] });
  assert.equal(failed.status, 422, 'a CLOSED row cannot be returned');

  sim().configureProfitSharing({ returns_processing: true });
  try {
    const outReturnNo = no('T');
    const slow = await ret({ out_return_no: outReturnNo, amount: 40 });
    assert.equal(slow.status, 201);
    assert.equal(slow.body.profit_sharing_return.result, 'PROCESSING');
    sim().finishReturn({ out_return_no: outReturnNo, result: 'SUCCESS' });
    clock.advance(60_000);
    await follower().runOnce();
    const got = await request(t.http)
      .get(`/v1/profit-sharing/returns/${outReturnNo}`)
      .set(...tenant.auth);
    assert.equal(got.body.profit_sharing_return.result, 'SUCCESS');
  } finally {
    sim().configureProfitSharing({ returns_processing: false });
  }
  const events = (await eventRows(t, tenant.id, 'profit_sharing.returned')).map((e) => JSON.parse(e.payload).data);
  assert.deepEqual(
    events.map((e) => [e.return_mchid, e.amount, e.result]),
    [
      [mchids[0], 60, 'SUCCESS'],
      [mchids[0], 40, 'SUCCESS'],
    ],
  );
});

test('Unfreeze and refunds (addendum §2.12): refunds come out of unsplit frozen funds; nothing splits after unfreeze or a full refund', async () => {
  const { tenant, mchids } = await tenantWith(1);
  const out = await paidOrder(tenant, 100);
  assert.equal((await split(tenant, { out_trade_no: out, out_order_no: no('P'), receivers: [to(mchids[0], 30)] })).status, 201);
  const refund = (amount: number) =>
    request(t.http)
      .post('/v1/refunds')
      .set(...tenant.auth)
      .send({ out_trade_no: out, out_refund_no: no('R'), amount: { refund: amount } });
  const big = await refund(71);
  assert.equal(big.status, 422, JSON.stringify(big.body));
  assert.deepEqual(
    [big.body.code, big.body.detail.rule, big.body.detail.refundable],
    ['REFUND_AMOUNT_EXCEEDED', 'profit_sharing_frozen', 70],
  );
  assert.equal((await refund(20)).status, 201);

  const outOrderNo = no('U');
  const unfreeze = await request(t.http)
    .post('/v1/profit-sharing/unfreeze')
    .set(...tenant.auth)
    .send({ out_trade_no: out, out_order_no: outOrderNo, description: '解冻全部剩余资金' });
  assert.equal(unfreeze.status, 201, JSON.stringify(unfreeze.body));
  const row = unfreeze.body.profit_sharing_order.receivers[0];
  assert.deepEqual([row.account, row.amount, row.description, row.unfreeze], [tenant.subMchid, 50, '解冻给分账方', true]);
  const after = await split(tenant, { out_trade_no: out, out_order_no: no('P'), receivers: [to(mchids[0], 1)] });
  assert.equal(after.status, 409);
  assert.equal(after.body.detail.reason, 'unfrozen');
  assert.equal((await refund(50)).status, 201, 'after unfreeze a refund comes from the available balance');

  const full = await paidOrder(tenant, 100);
  assert.equal(
    (
      await request(t.http)
        .post('/v1/refunds')
        .set(...tenant.auth)
        .send({ out_trade_no: full, out_refund_no: no('R'), amount: { refund: 100 } })
    ).status,
    201,
  );
  const none = await split(tenant, { out_trade_no: full, out_order_no: no('P'), receivers: [to(mchids[0], 1)] });
  assert.equal(none.status, 409);
  assert.equal(none.body.detail.reason, 'fully_refunded');
});
