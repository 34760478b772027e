import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { rsaPems, admin } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, outTradeNo, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { ManualClock } from '../../../src/platform/clock';

// Combined orders (合单) left unpaid past time_expire are closed (at WeChat Pay, then locally), like single orders;
// /platform/v1 ?sync=true spends the provider's WeChat Pay query quota and is throttled. The clock runs ahead: a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>>;
let t: TestApp;
let clock: ManualClock;
let provider: Provider;
let pk: string;
let shopA: Tenant;
let shopB: Tenant;
const SYNC_PER_MINUTE = 3;

before(async () => {
  db = await isolatedDatabase();
  clock = new ManualClock();
  t = await startTestApp({ db: { url: db.url }, jobs: { enabled: false }, orders: { syncPerMinutePerTenant: SYNC_PER_MINUTE } }, { clock });
  provider = await givenWechatProvider(t, rsaPems());
  shopA = await givenWechatTenant(t, provider);
  shopB = await givenWechatTenant(t, provider);
  const key = await request(t.http)
    .post(`/admin/v1/service-providers/${provider.spMchid}/platform-keys`)
    .set(...admin(t))
    .send({ name: 'central mini-program' });
  assert.equal(key.status, 201, JSON.stringify(key.body));
  pk = key.body.platform_key;
});
after(async () => {
  await t.close();
  await db.drop();
});

const platform = (): [string, string] => ['Authorization', `Bearer ${pk}`];
async function place(): Promise<string> {
  const body = {
    combine_out_trade_no: outTradeNo('C'),
    trade_type: 'JSAPI',
    payer: { openid: 'oCombinedBuyer0000000000001' },
    sub_orders: [
      { tenant_id: shopA.id, out_trade_no: outTradeNo('A'), description: 'A店-公仔', amount: { total: 1200 } },
      { tenant_id: shopB.id, out_trade_no: outTradeNo('B'), description: 'B店-贴纸', amount: { total: 800 } },
    ],
  };
  const res = await request(t.http)
    .post('/platform/v1/combined-orders')
    .set(...platform())
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return body.combine_out_trade_no;
}
const read = (n: string, sync = false) =>
  request(t.http)
    .get(`/platform/v1/combined-orders/${n}${sync ? '?sync=true' : ''}`)
    .set(...platform());
const calls = (suffix: string) =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path.startsWith('/v3/combine-transactions/out-trade-no/') && c.path.endsWith(suffix)).length;
const autoClose = () =>
  t.app.modules.find((m) => m.name === 'combined-orders')!.jobs!(t.app.container)
    .find((j) => j.name === 'combined-orders.auto-close')!
    .run();

test('When an unpaid combined order is past its time_expire, then the auto-close job closes it at WeChat Pay and locally, once; an unexpired one is left alone', async () => {
  const expired = await place();
  clock.advance(2 * 3600_000 + 1000); // the default time_expire is 2 h
  const fresh = await place();
  const closesBefore = calls('/close');
  await autoClose();
  assert.equal(calls('/close'), closesBefore + 1, 'one close at WeChat Pay');
  const after = (await read(expired)).body.combined_order;
  assert.equal(after.state, 'CLOSED');
  assert.deepEqual(
    after.sub_orders.map((o: { trade_state: string }) => o.trade_state),
    ['CLOSED', 'CLOSED'],
  );
  assert.equal((await read(fresh)).body.combined_order.state, 'NOTPAY', 'not yet expired');
  // Each shop sees its sub-order closed.
  const a = await request(t.http)
    .get(`/v1/orders/${after.sub_orders[0].out_trade_no}`)
    .set(...shopA.auth);
  assert.equal(a.body.order.trade_state, 'CLOSED');

  // Run again (another node, or the next interval): nothing more is closed or asked.
  await autoClose();
  assert.equal(calls('/close'), closesBefore + 1);
});

test('When /platform/v1 asks ?sync=true more than the per-minute budget, then 429 with Retry-After and WeChat Pay is not asked; a plain read still answers', async () => {
  const n = await place();
  const queriesBefore = calls(n);
  for (let i = 0; i < SYNC_PER_MINUTE; i++) assert.equal((await read(n, true)).status, 200);
  const over = await read(n, true);
  assert.equal(over.status, 429, JSON.stringify(over.body));
  assert.equal(over.body.code, 'FREQUENCY_LIMITED');
  assert.ok(Number(over.headers['retry-after']) > 0);
  assert.equal(calls(n), queriesBefore + SYNC_PER_MINUTE, 'the refused sync asked nothing');
  assert.equal((await read(n)).status, 200, 'plain reads are never limited');
});
