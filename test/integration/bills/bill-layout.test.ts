import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { parse as parseCsv } from 'csv-parse/sync';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { ManualClock, beijingDay } from '../../../src/platform/clock';

// Issue 30 item 1: descriptions with commas, text WeChat Pay's bill cannot carry, one odd row, and a
// failed rerun, against the simulator's bill (WeChat Pay's layout) and the real database.
let t: TestApp;
let provider: Provider;
let a: Tenant;
let b: Tenant;
let day: string;
const comma: string[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Json = Record<string, any>;
const sim = () => simulatorOf(t);

async function pay(tenant: Tenant, over: Record<string, unknown>): Promise<string> {
  const body = orderBody(tenant, over);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await sim().pay({ prepay_id: res.body.order.prepay_id });
  return body.out_trade_no as string;
}

async function reconcile(): Promise<Json> {
  const res = await request(t.http)
    .post('/admin/v1/reconciliations')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, bill_date: day, rerun: true });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const got = await request(t.http)
      .get(`/admin/v1/reconciliations/${res.body.reconciliation.id}`)
      .set(...admin(t));
    if (got.body.reconciliation.status !== 'running' && got.body.reconciliation.status !== 'pending') return got.body.reconciliation;
    if (Date.now() > deadline) assert.fail('the reconciliation did not finish in 20 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Reconciliation runs are claimed by any app on the same database: each file reconciles in a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>> | undefined;
before(async () => {
  const clock = new ManualClock();
  t = await startTestApp({ db: { url: (db = await isolatedDatabase()).url }, bills: { boundaryMinutes: 0 } }, { clock });
  provider = await givenWechatProvider(t, rsaPems());
  a = await givenWechatTenant(t, provider);
  b = await givenWechatTenant(t, provider);
  day = beijingDay(clock.now());
  comma.push(await pay(a, { description: '咖啡, 大杯', attach: 'a,b', amount: { total: 60, currency: 'CNY' } }));
  comma.push(await pay(a, { description: '=1+2, "quoted"', amount: { total: 100, currency: 'CNY' } }));
  await pay(b, { amount: { total: 300, currency: 'CNY' } });
});
after(async () => {
  await t.close();
  await db?.drop();
});

test('When a description or attach holds a backtick or a control character, then 400 names the field and no order is made', async () => {
  for (const [field, value] of [
    ['description', 'x,=HYPERLINK("http://evil.example/"),`0.01000,`0.60%,`1.00'],
    ['description', 'line\nbreak'],
    ['attach', 'tab\there'],
    ['attach', 'a`b'],
  ] as const) {
    const body = orderBody(a, { [field]: value });
    const res = await request(t.http)
      .post('/v1/orders')
      .set(...a.auth)
      .send(body);
    assert.equal(res.status, 400, `${field} ${JSON.stringify(value)}`);
    assert.equal(res.body.code, 'PARAM_ERROR');
    assert.deepEqual(
      res.body.detail.fields.map((f: { field: string }) => f.field),
      [field],
    );
    assert.match(res.body.detail.fields[0].issue, /backtick|control characters/);
    const after = await request(t.http)
      .get(`/v1/orders/${body.out_trade_no}`)
      .set(...a.auth);
    assert.equal(after.status, 404, 'nothing half-written');
  }
});

test('When descriptions hold commas, the run is done, every order matches, and the tenant CSV keeps each description in one text cell', async () => {
  const run = await reconcile();
  assert.equal(run.status, 'done', run.error);
  assert.equal(run.summary.matched, 3);
  assert.equal(run.summary.missing_local + run.summary.amount_mismatch + run.summary.missing_upstream, 0);
  const ta = run.tenants.find((x: Json) => x.tenant_id === a.id);
  assert.equal(ta.totals.paid, 160);
  const csv = await request(t.http)
    .get(`/v1/bills/${day}`)
    .set(...a.auth)
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => done(null, text));
    });
  assert.equal(csv.status, 200);
  const table = parseCsv(csv.body as string, { bom: true, relax_column_count: true }) as string[][];
  const header = table[0];
  const rows = table.slice(1, 3);
  for (const r of rows) assert.equal(r.length, header.length, 'one cell per column');
  const desc = header.indexOf('商品名称');
  assert.deepEqual(rows.map((r) => r[desc]).sort(), ['`=1+2, "quoted"', '`咖啡, 大杯']);
  for (const r of table) for (const c of r) assert.ok(!/^[=+\-@\t\r]/.test(c), `no cell starts like a formula: ${c}`);
});

test('When one bill row is unreadable, it is a discrepancy of its tenant and every other row still reconciles', async () => {
  sim().billFaults({ malformed_row: true });
  const run = await reconcile();
  sim().billFaults({});
  assert.equal(run.status, 'done', run.error);
  const list = await request(t.http)
    .get(`/admin/v1/reconciliations/${run.id}/discrepancies?limit=100`)
    .set(...admin(t));
  const unreadable = list.body.data.filter((x: Json) => x.kind === 'missing_local');
  assert.equal(unreadable.length, 1, JSON.stringify(list.body.data));
  const [d] = unreadable;
  assert.match(d.note, /unreadable bill row: malformed row \d+: 应结订单金额/);
  assert.equal(run.summary.matched, 2, 'the other rows reconcile');
  // Its order is not in what could be read: it is also reported as missing from the bill.
  assert.deepEqual(
    list.body.data.filter((x: Json) => x.kind === 'missing_upstream').map((x: Json) => x.out_trade_no),
    [d.out_trade_no],
  );
  const owner = d.tenant_id === a.id ? a : b;
  const view = await request(t.http)
    .get(`/v1/reconciliations/${day}`)
    .set(...owner.auth);
  assert.ok(
    view.body.discrepancies.data.some((x: Json) => /unreadable bill row/.test(x.note ?? '')),
    'the tenant sees its unreadable row',
  );
});

test('When a rerun fails, tenants still see the earlier successful run and its CSV; operators see the failure', async () => {
  const good = await reconcile();
  assert.equal(good.status, 'done');
  sim().billFaults({ corrupt_hash: true });
  const failed = await reconcile();
  sim().billFaults({});
  assert.equal(failed.status, 'failed');
  const view = await request(t.http)
    .get(`/v1/reconciliations/${day}`)
    .set(...a.auth);
  assert.equal(view.status, 200);
  assert.equal(view.body.reconciliation.status, 'done');
  assert.equal(view.body.reconciliation.totals.paid, 160);
  const csv = await request(t.http)
    .get(`/v1/bills/${day}`)
    .set(...a.auth);
  assert.equal(csv.status, 200, 'the earlier run still serves the tenant its rows');
  const ops = await request(t.http)
    .get(`/admin/v1/reconciliations?sp_mchid=${provider.spMchid}&bill_date=${day}`)
    .set(...admin(t));
  assert.equal(ops.body.data.find((r: Json) => r.id === failed.id)?.status, 'failed', 'operators see the failed run');
});
