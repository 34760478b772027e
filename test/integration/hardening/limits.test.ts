import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp, uniqueMchid } from '../../support/app';
import { rsaPems, admin } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider } from '../../support/payments';
import { syncTenants } from '../../../src/modules/tenancy/tenants-sync';

let t: TestApp;
let provider: Provider;

before(async () => {
  t = await startTestApp({ orders: { syncPerMinutePerTenant: 2 } });
  provider = await givenWechatProvider(t, rsaPems());
});
after(() => t.close());

test('When a tenant is created, then limits.orders_per_minute is 6000; an operator lowers it for one tenant and only that tenant gets 429', async () => {
  const busy = await givenWechatTenant(t, provider);
  const other = await givenWechatTenant(t, provider);
  const read = await request(t.http)
    .get(`/admin/v1/tenants/${busy.id}`)
    .set(...admin(t));
  assert.deepEqual(read.body.limits, { orders_per_minute: 6000 });
  const patched = await request(t.http)
    .patch(`/admin/v1/tenants/${busy.id}`)
    .set(...admin(t))
    .send({ limits: { orders_per_minute: 2 } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.deepEqual(patched.body.limits, { orders_per_minute: 2 });
  for (let i = 0; i < 2; i++)
    assert.equal(
      (
        await request(t.http)
          .post('/v1/orders')
          .set(...busy.auth)
          .send(orderBody(busy))
      ).status,
      201,
    );
  const limited = await request(t.http)
    .post('/v1/orders')
    .set(...busy.auth)
    .send(orderBody(busy));
  assert.equal(limited.status, 429);
  assert.equal(limited.body.code, 'FREQUENCY_LIMITED');
  assert.ok(Number(limited.headers['retry-after']) >= 1);
  for (let i = 0; i < 3; i++)
    assert.equal(
      (
        await request(t.http)
          .post('/v1/orders')
          .set(...other.auth)
          .send(orderBody(other))
      ).status,
      201,
    );
  const bad = await request(t.http)
    .patch(`/admin/v1/tenants/${busy.id}`)
    .set(...admin(t))
    .send({ limits: { orders_per_minute: 0 } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.detail.fields[0].field, 'limits.orders_per_minute');
});

test('When tenants/*.json gives limits.orders_per_minute, then tenants:sync applies it and a second run changes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-limits-'));
  try {
    const subMchid = uniqueMchid();
    const file = { sp_mchid: provider.spMchid, sub_mchid: subMchid, name: 'Limited', apps: [], limits: { orders_per_minute: 42 } };
    writeFileSync(join(dir, 'limited.json'), JSON.stringify(file));
    await syncTenants(t.app.container, dir);
    const list = await request(t.http)
      .get('/admin/v1/tenants?limit=100')
      .set(...admin(t));
    const row = list.body.data.find((x: { sub_mchid: string }) => x.sub_mchid === subMchid);
    assert.deepEqual(row.limits, { orders_per_minute: 42 });
    writeFileSync(join(dir, 'limited.json'), JSON.stringify({ ...file, limits: { orders_per_minute: 43 } }));
    await syncTenants(t.app.container, dir);
    const again = await request(t.http)
      .get(`/admin/v1/tenants/${row.id}`)
      .set(...admin(t));
    assert.deepEqual(again.body.limits, { orders_per_minute: 43 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('When one tenant reads with sync=true over its limit, then 429 without a WeChat Pay query; another tenant still syncs', async () => {
  const a = await givenWechatTenant(t, provider);
  const b = await givenWechatTenant(t, provider);
  const bodyA = orderBody(a);
  const bodyB = orderBody(b);
  await request(t.http)
    .post('/v1/orders')
    .set(...a.auth)
    .send(bodyA);
  await request(t.http)
    .post('/v1/orders')
    .set(...b.auth)
    .send(bodyB);
  const queries = () =>
    simulatorOf(t)
      .calls()
      .filter((c) => c.method === 'GET' && c.path.includes(bodyA.out_trade_no as string)).length;
  for (let i = 0; i < 2; i++)
    assert.equal(
      (
        await request(t.http)
          .get(`/v1/orders/${bodyA.out_trade_no}?sync=true`)
          .set(...a.auth)
      ).status,
      200,
    );
  const before = queries();
  const limited = await request(t.http)
    .get(`/v1/orders/${bodyA.out_trade_no}?sync=true`)
    .set(...a.auth);
  assert.equal(limited.status, 429);
  assert.equal(limited.body.code, 'FREQUENCY_LIMITED');
  assert.equal(queries(), before);
  assert.equal(
    (
      await request(t.http)
        .get(`/v1/orders/${bodyA.out_trade_no}`)
        .set(...a.auth)
    ).status,
    200,
    'plain reads are not limited',
  );
  assert.equal(
    (
      await request(t.http)
        .get(`/v1/orders/${bodyB.out_trade_no}?sync=true`)
        .set(...b.auth)
    ).status,
    200,
  );
});
