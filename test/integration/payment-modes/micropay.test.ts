import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { ManualClock } from '../../../src/platform/clock';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';
import { reader, rows } from '../../../src/platform/db/sql';
import { MicropayFollower } from '../../../src/modules/payments/micropay.follower';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { sample, scrape } from '../../support/metrics';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, outTradeNo, simulatorOf, type Provider, type Tenant } from '../../support/payments';

const clock = new ManualClock();
let t: TestApp;
let provider: Provider;
let tenant: Tenant;

// A database of its own: this file's clock runs days ahead, and its app's jobs would find other
// files' orders due (seen: the reconciler test's order closed here before its own nodes asked).
let db: Awaited<ReturnType<typeof isolatedDatabase>> | undefined;
before(async () => {
  t = await startTestApp({ db: { url: (db = await isolatedDatabase()).url } }, { clock });
  provider = await givenWechatProvider(t, rsaPems());
  tenant = await givenWechatTenant(t, provider);
});
after(async () => {
  await t.close();
  await db?.drop();
});

// Deterministic 付款码s: 18 digits starting 13, unique per test run.
let codeSeq = Math.floor(Date.now() / 1000) % 1_000_000;
const nextAuthCode = () => `13${String(codeSeq++).padStart(16, '0')}`;

const charge = (authCode: string, over: Record<string, unknown> = {}) => ({
  trade_type: 'MICROPAY',
  out_trade_no: outTradeNo('P'),
  description: '腾大玩具-收银台',
  amount: { total: 1800 },
  payer: { auth_code: authCode },
  scene_info: { store_info: { out_id: 'SZ-001' }, device_id: 'POS-7', device_ip: '10.1.2.3' },
  ...over,
});

const script = async (body: Record<string, unknown>) => {
  const r = await request(t.http).post('/simulator/control/codepay/outcomes').send(body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
};

/** One run of the follow-up job, as one node's job runner would do it. */
async function follow(): Promise<void> {
  await t.app.container.resolve(MicropayFollower).runOnce();
}

async function eventsOf(type: string, outNo: string): Promise<number> {
  const r = await rows<{ payload: string }>(
    reader(t.app.container.resolve<Orm>(TOKENS.Orm)),
    'select payload from event where tenant_id = ? and type = ?',
    [tenant.id, type],
  );
  return r.filter((e) => e.payload.includes(outNo)).length;
}

const callsTo = (suffix: string, outNo: string) =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path.endsWith(suffix) && (c.path.includes(outNo) || (c.body as { out_trade_no?: string })?.out_trade_no === outNo));

async function read(outNo: string) {
  const r = await request(t.http)
    .get(`/v1/orders/${outNo}`)
    .set(...tenant.auth);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.order as Record<string, unknown>;
}

test('When the buyer pays a 付款码 at once, then 201 SUCCESS with order.paid, and the auth_code is stored nowhere', async () => {
  const code = nextAuthCode();
  const body = charge(code);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Idempotency-Key', `idem-${body.out_trade_no}`)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.order.trade_state, 'SUCCESS');
  assert.equal(res.body.order.trade_type, 'MICROPAY');
  assert.equal(res.body.order.appid, tenant.appid, "the tenant's only app");
  assert.equal(res.body.payment, null);
  assert.match(res.body.order.transaction_id, /^\d+$/);
  assert.equal(await eventsOf('order.paid', body.out_trade_no), 1);
  const m = await scrape(t);
  const mine = { tenant_id: tenant.id, trade_type: 'MICROPAY' };
  assert.equal(sample(m, 'partnerpay_orders_created_total', mine), 1, 'counted under its mode');
  assert.equal(sample(m, 'partnerpay_orders_paid_total', mine), 1);
  assert.equal(JSON.stringify(res.body).includes(code), false);
  const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
  const stored = await rows(reader(orm), 'select * from payment_order where out_trade_no = ?', [body.out_trade_no]);
  assert.equal(JSON.stringify(stored).includes(code), false, 'no column holds the auth_code');
  const idem = await rows<{ request_hash: string }>(reader(orm), 'select * from idempotency_record where tenant_id = ?', [tenant.id]);
  assert.ok(idem.length > 0, 'the Idempotency-Key was recorded');
  assert.equal(JSON.stringify(idem).includes(code), false, 'nor does the idempotency record');
  const sent = callsTo('/codepay', body.out_trade_no);
  assert.equal(sent.length, 1);
  assert.deepEqual((sent[0].body as Record<string, unknown>).payer, { auth_code: code });

  // The same request again answers the charge as it stands, without charging again.
  const again = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(again.status, 200);
  assert.equal(again.body.order.trade_state, 'SUCCESS');
  assert.equal(callsTo('/codepay', body.out_trade_no).length, 1);
});

test('When the auth_code or scene_info is wrong, then 400 names the field and WeChat Pay is not called', async () => {
  for (const [bad, field] of [
    [{ payer: { auth_code: '1300000000000000' } }, 'payer.auth_code'],
    [{ payer: { auth_code: '180000000000000000' } }, 'payer.auth_code'],
    [{ scene_info: undefined }, 'scene_info'],
    [{ scene_info: { device_id: 'POS-7' } }, 'scene_info.store_info'],
    [{ time_expire: '2030-01-01T00:00:00+08:00' }, 'time_expire'],
  ] as const) {
    const body = charge(nextAuthCode(), bad);
    const res = await request(t.http)
      .post('/v1/orders')
      .set(...tenant.auth)
      .send(body);
    assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.detail.fields[0].field, field);
    assert.equal(callsTo('/codepay', body.out_trade_no).length, 0);
  }
});

test('When the buyer enters the password after the charge, then USERPAYING at once and SUCCESS once the follow-up asks', async () => {
  const code = nextAuthCode();
  await script({ auth_code: code, outcome: 'USERPAYING', then: 'SUCCESS', after_ms: 8_000 });
  const body = charge(code);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.order.trade_state, 'USERPAYING');
  await simulatorOf(t).advance(5_000);
  await follow();
  assert.equal((await read(body.out_trade_no)).trade_state, 'USERPAYING');
  await simulatorOf(t).advance(5_000);
  await follow();
  assert.equal((await read(body.out_trade_no)).trade_state, 'SUCCESS');
  assert.equal(await eventsOf('order.paid', body.out_trade_no), 1);
  assert.equal(callsTo('/reverse', body.out_trade_no).length, 0);
});

test('When the buyer abandons the password, then nothing is reversed within 15 s, and after 30 s one of two nodes reverses it once', async () => {
  const code = nextAuthCode();
  await script({ auth_code: code, outcome: 'USERPAYING' });
  const body = charge(code);
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);
  await simulatorOf(t).advance(5_000);
  const early = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/reverse`)
    .set(...tenant.auth);
  assert.equal(early.status, 409, JSON.stringify(early.body));
  assert.equal(early.body.code, 'ORDER_NOT_REVERSIBLE');
  assert.match(early.body.message, /15 s/);
  for (let s = 5; s < 30; s += 5) {
    await follow();
    await simulatorOf(t).advance(5_000);
  }
  assert.equal(callsTo('/reverse', body.out_trade_no).length, 0, 'the follow-up never reverses before 30 s');
  // Two nodes run the follow-up at the same moment.
  await Promise.all([follow(), follow()]);
  assert.equal(callsTo('/reverse', body.out_trade_no).length, 1);
  const order = await read(body.out_trade_no);
  assert.equal(order.trade_state, 'REVOKED');
  assert.equal(await eventsOf('order.reversed', body.out_trade_no), 1);
  await simulatorOf(t).advance(5_000);
  await follow();
  assert.equal(callsTo('/reverse', body.out_trade_no).length, 1, 'a reversed charge is not followed any more');
});

test('When WeChat Pay refuses the charge for good, then 201 PAYERROR with its reason and order.payment_failed', async () => {
  const code = nextAuthCode();
  await script({ auth_code: code, outcome: 'ERROR', status: 403, code: 'NOT_ENOUGH', message: '余额不足' });
  const body = charge(code);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.order.trade_state, 'PAYERROR');
  assert.match(res.body.order.trade_state_desc, /NOT_ENOUGH/);
  assert.equal(await eventsOf('order.payment_failed', body.out_trade_no), 1);
});

test('When the charge answers 500 but went through, then the order is not failed: the follow-up queries and finds it paid', async () => {
  const code = nextAuthCode();
  await script({ auth_code: code, outcome: 'SYSTEM_ERROR', then: 'SUCCESS' });
  const body = charge(code);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.order.trade_state, 'NOTPAY');
  await simulatorOf(t).advance(5_000);
  await follow();
  assert.equal((await read(body.out_trade_no)).trade_state, 'SUCCESS');
  assert.equal(await eventsOf('order.paid', body.out_trade_no), 1);
  assert.equal(callsTo('/codepay', body.out_trade_no).length, 1, 'never charged twice');
  assert.equal(callsTo('/reverse', body.out_trade_no).length, 0);
});

test('When the cashier reverses a waiting charge after 15 s, then REVOKED once; a non-付款码 order is not reversible', async () => {
  const code = nextAuthCode();
  await script({ auth_code: code, outcome: 'USERPAYING' });
  const body = charge(code);
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body)
    .expect(201);
  await simulatorOf(t).advance(16_000);
  const reversed = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/reverse`)
    .set(...tenant.auth);
  assert.equal(reversed.status, 200, JSON.stringify(reversed.body));
  assert.equal(reversed.body.order.trade_state, 'REVOKED');
  const again = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/reverse`)
    .set(...tenant.auth);
  assert.equal(again.status, 200);
  assert.equal(await eventsOf('order.reversed', body.out_trade_no), 1);

  const native = { trade_type: 'NATIVE', out_trade_no: outTradeNo('N'), description: 'QR', amount: { total: 100 } };
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(native)
    .expect(201);
  const notMicropay = await request(t.http)
    .post(`/v1/orders/${native.out_trade_no}/reverse`)
    .set(...tenant.auth);
  assert.equal(notMicropay.status, 409);
  assert.equal(notMicropay.body.code, 'ORDER_NOT_REVERSIBLE');
});

test('When the cashier reverses a paid charge, then it is refunded in full once, and not within 15 s nor after 7 days', async () => {
  const paid = charge(nextAuthCode());
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(paid)
    .expect(201);
  const reverse = () =>
    request(t.http)
      .post(`/v1/orders/${paid.out_trade_no}/reverse`)
      .set(...tenant.auth);

  const tooSoon = await reverse();
  assert.equal(tooSoon.status, 409, JSON.stringify(tooSoon.body));
  assert.equal(tooSoon.body.code, 'ORDER_NOT_REVERSIBLE');
  assert.match(tooSoon.body.detail.reason, /15 s.*retry in \d+ s/);
  assert.equal(callsTo('/reverse', paid.out_trade_no).length, 0, 'refused before asking WeChat Pay');

  await simulatorOf(t).advance(16_000);
  const reversed = await reverse();
  assert.equal(reversed.status, 200, JSON.stringify(reversed.body));
  assert.equal(reversed.body.order.trade_state, 'REFUND');
  assert.equal(reversed.body.order.refunded_total, 1800);
  const again = await reverse();
  assert.equal(again.status, 200, 'a repeated reverse answers the same');
  assert.equal(again.body.order.refunded_total, 1800);
  assert.equal(callsTo('/reverse', paid.out_trade_no).length, 1);
  assert.equal(await eventsOf('order.reversed', paid.out_trade_no), 1);

  // Nothing is left to refund.
  const refund = await request(t.http)
    .post('/v1/refunds')
    .set(...tenant.auth)
    .send({ out_trade_no: paid.out_trade_no, out_refund_no: `R${paid.out_trade_no}`, amount: { refund: 1 } });
  assert.equal(refund.status >= 400 && refund.status < 500, true, JSON.stringify(refund.body));

  // A paid charge with a refund asked for already is refunded through refunds, not reversed.
  const partly = charge(nextAuthCode());
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(partly)
    .expect(201);
  await request(t.http)
    .post('/v1/refunds')
    .set(...tenant.auth)
    .send({ out_trade_no: partly.out_trade_no, out_refund_no: `R${partly.out_trade_no}`, amount: { refund: 100 } })
    .expect((r) => assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body)));
  await simulatorOf(t).advance(16_000);
  const refused = await request(t.http)
    .post(`/v1/orders/${partly.out_trade_no}/reverse`)
    .set(...tenant.auth);
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, 'ORDER_NOT_REVERSIBLE');
  assert.match(refused.body.message, /refund/);
  assert.equal(callsTo('/reverse', partly.out_trade_no).length, 0);

  // After 7 days WeChat Pay no longer reverses: refund instead.
  const old = charge(nextAuthCode());
  await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(old)
    .expect(201);
  await simulatorOf(t).advance(7 * 86_400_000 + 60_000);
  const late = await request(t.http)
    .post(`/v1/orders/${old.out_trade_no}/reverse`)
    .set(...tenant.auth);
  assert.equal(late.status, 409);
  assert.equal(late.body.code, 'ORDER_NOT_REVERSIBLE');
  assert.match(late.body.detail.reason, /7 days/);
  assert.equal((await read(old.out_trade_no)).trade_state, 'SUCCESS');
});
