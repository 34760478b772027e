import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { ManualClock, beijingDay } from '../../../src/platform/clock';
import { portalUser } from './support';

let t: TestApp;
let clock: ManualClock;
let provider: Provider;
let shop: Tenant;
let other: Tenant;

// Reconciliation runs are claimed by any app on the same database: each file reconciles in a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>> | undefined;
before(async () => {
  clock = new ManualClock();
  t = await startTestApp({ db: { url: (db = await isolatedDatabase()).url }, bills: { boundaryMinutes: 0 } }, { clock });
  provider = await givenWechatProvider(t, rsaPems());
  shop = await givenWechatTenant(t, provider);
  other = await givenWechatTenant(t, provider);
});
after(async () => {
  await t.close();
  await db?.drop();
});

async function pay(tenant: Tenant, total: number): Promise<string> {
  const body = orderBody(tenant, { amount: { total, currency: 'CNY' } });
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
  return String(body.out_trade_no);
}

async function reconcile(day: string): Promise<void> {
  const res = await request(t.http)
    .post('/admin/v1/reconciliations')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, bill_date: day, rerun: true });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = await request(t.http)
      .get(`/admin/v1/reconciliations/${res.body.reconciliation.id}`)
      .set(...admin(t));
    if (run.body.reconciliation.status !== 'running') return assert.equal(run.body.reconciliation.status, 'done');
    if (Date.now() > deadline) assert.fail('reconciliation still running');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("When a portal user downloads a day's bill, then it is a CSV attachment of its own tenant's rows only; a day without a bill is 404", async () => {
  const mine = await pay(shop, 1234);
  const theirs = await pay(other, 999);
  const day = beijingDay(clock.now());
  await reconcile(day);
  const viewer = await portalUser(t, shop.id, 'viewer');
  const csv = await request(t.http)
    .get(`/portal/v1/bills/${day}`)
    .set(...viewer.session.cookie);
  assert.equal(csv.status, 200, csv.text);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.match(String(csv.headers['content-disposition']), new RegExp(`attachment; filename="bill-${shop.subMchid}-${day}-trade.csv"`));
  assert.ok(csv.text.includes(`\`${mine},`), 'its own payment is in the bill');
  assert.ok(!csv.text.includes(theirs) && !csv.text.includes(other.subMchid), "never another tenant's rows");
  assert.match(csv.text, /`12\.34/);

  const none = await request(t.http)
    .get(`/portal/v1/bills/${beijingDay(clock.now() - 5 * 86_400_000)}`)
    .set(...viewer.session.cookie);
  assert.equal(none.status, 404);
  const bad = await request(t.http)
    .get('/portal/v1/bills/2026-13-45x')
    .set(...viewer.session.cookie);
  assert.equal(bad.status, 400);
  const anonymous = await request(t.http).get(`/portal/v1/bills/${day}`);
  assert.equal(anonymous.status, 401);
});

test('When a portal user asks where onboarding stands, then it sees its own tenant (no applyment when onboarded by an operator directly)', async () => {
  const owner = await portalUser(t, shop.id, 'owner');
  const res = await request(t.http)
    .get('/portal/v1/onboarding')
    .set(...owner.session.cookie);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.tenant.id, shop.id);
  assert.equal(res.body.tenant.sub_mchid, shop.subMchid);
  assert.equal(res.body.applyment, null);
});
