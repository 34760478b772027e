import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, outTradeNo, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { ManualClock, beijingDay } from '../../../src/platform/clock';

let t: TestApp;
let clock: ManualClock;
let provider: Provider;
let shop: Tenant;

// Reconciliation runs are claimed by any app on the same database: each file reconciles in a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>> | undefined;
before(async () => {
  clock = new ManualClock();
  t = await startTestApp({ db: { url: (db = await isolatedDatabase()).url }, bills: { boundaryMinutes: 0 } }, { clock });
  provider = await givenWechatProvider(t, rsaPems());
  shop = await givenWechatTenant(t, provider);
});
after(async () => {
  await t.close();
  await db?.drop();
});

const h5Scene = { payer_client_ip: '203.0.113.7', h5_info: { type: 'Wap' } };

test('When a day holds NATIVE, H5 (MWEB) and 付款码 payments, then the trade bill names each mode and reconciliation ties them like JSAPI', async () => {
  const day = beijingDay(clock.now());
  const create = async (body: Record<string, unknown>) => {
    const res = await request(t.http)
      .post('/v1/orders')
      .set(...shop.auth)
      .send({ out_trade_no: outTradeNo('B'), description: 'Bill day', amount: { total: 300 }, ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.order as { out_trade_no: string; trade_state: string };
  };
  const native = await create({ trade_type: 'NATIVE' });
  const h5 = await create({ trade_type: 'H5', appid: shop.appid, scene_info: h5Scene });
  for (const o of [native, h5]) await simulatorOf(t).pay({ sub_mchid: shop.subMchid, out_trade_no: o.out_trade_no });
  const micropay = await create({
    trade_type: 'MICROPAY',
    payer: { auth_code: '130000000000000042' },
    scene_info: { store_info: { out_id: 'SZ-001' } },
  });
  assert.equal(micropay.trade_state, 'SUCCESS');

  const started = await request(t.http)
    .post('/admin/v1/reconciliations')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, bill_date: day });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const deadline = Date.now() + 20_000;
  let run: Record<string, unknown> & { status: string; summary?: unknown; error?: string };
  for (;;) {
    const res = await request(t.http)
      .get(`/admin/v1/reconciliations/${started.body.reconciliation.id}`)
      .set(...admin(t));
    run = res.body.reconciliation;
    if (run.status !== 'running') break;
    if (Date.now() > deadline) assert.fail(`reconciliation still ${run.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(run.status, 'done', run.error);
  assert.deepEqual(run.summary, { matched: 3, missing_local: 0, missing_upstream: 0, amount_mismatch: 0, state_mismatch: 0, fixed: 0 });

  const bill = await request(t.http)
    .get(`/v1/bills/${day}?type=trade`)
    .set(...shop.auth);
  assert.equal(bill.status, 200, bill.text);
  for (const [o, mode] of [
    [native, 'NATIVE'],
    [h5, 'MWEB'],
    [micropay, 'MICROPAY'],
  ] as const) {
    const line = bill.text.split(/\r?\n/).find((l) => l.includes(o.out_trade_no));
    assert.ok(line, `${o.out_trade_no} is in the bill`);
    assert.ok(line.includes(`\`${mode},`), `${o.out_trade_no} is a ${mode} row: ${line}`);
  }
});
