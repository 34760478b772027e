import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { admin, givenProvider, givenTenant, providerBody, rsaPems, uniqueAppid } from '../../support/tenancy';
import { TOKENS } from '../../../src/platform/tokens';
import { AppError } from '../../../src/platform/errors/errors';
import type { SecondaryClearingGuard } from '../../../src/modules/tenancy/clearing-guard';
import type { TenantDirectory, TenantView } from '../../../src/modules/tenancy/tenant-directory';

let t: TestApp;
let keys: ReturnType<typeof rsaPems>;
let sp: { spMchid: string; spAppid: string };
let guard: SecondaryClearingGuard;
let dir: TenantDirectory;
before(async () => {
  keys = rsaPems();
  t = await startTestApp();
  sp = await givenProvider(t, keys);
  guard = t.app.container.resolve<SecondaryClearingGuard>(TOKENS.ClearingGuard);
  dir = t.app.container.resolve<TenantDirectory>(TOKENS.Tenants);
});
after(async () => t.close());

/** Asserts `p` rejects with 422 SECONDARY_CLEARING_FORBIDDEN naming `rule`. */
async function refusedWith(p: Promise<unknown>, rule: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.status, 422);
    assert.equal(e.code, 'SECONDARY_CLEARING_FORBIDDEN');
    assert.equal(e.detail?.rule, rule);
    assert.match(e.message, new RegExp(rule));
    return true;
  });
}

test("When a tenant's sub_mchid is a service provider's sp_mchid, then 422 rule isv_collects_own_account (both ways round)", async () => {
  const res = await request(t.http)
    .post('/admin/v1/tenants')
    .set(...admin(t))
    .send({ sp_mchid: sp.spMchid, sub_mchid: sp.spMchid, name: 'The ISV itself', apps: [] });
  assert.equal(res.status, 422);
  assert.equal(res.body.code, 'SECONDARY_CLEARING_FORBIDDEN');
  assert.equal(res.body.detail.rule, 'isv_collects_own_account');
  assert.match(res.body.message, /own account/);

  const tenant = await givenTenant(t, sp.spMchid);
  const put = await request(t.http)
    .put(`/admin/v1/service-providers/${tenant.sub_mchid}`)
    .set(...admin(t))
    .send(providerBody(keys));
  assert.equal(put.status, 422);
  assert.equal(put.body.detail.rule, 'isv_collects_own_account');

  const view = (await dir.byId(tenant.id))!;
  await refusedWith(guard.checkOrder({ ...view, subMchid: sp.spMchid }, view.apps[0]), 'isv_collects_own_account');
});

test('When a sub_mchid is already a tenant under another provider, then 422 rule shared_sub_mchid', async () => {
  const other = await givenProvider(t, keys);
  const tenant = await givenTenant(t, sp.spMchid);
  const res = await request(t.http)
    .post('/admin/v1/tenants')
    .set(...admin(t))
    .send({ sp_mchid: other.spMchid, sub_mchid: tenant.sub_mchid, name: 'Twin', apps: [] });
  assert.equal(res.status, 422);
  assert.equal(res.body.detail.rule, 'shared_sub_mchid');
  await refusedWith(guard.checkTenant({ spMchid: other.spMchid, subMchid: tenant.sub_mchid }), 'shared_sub_mchid');
});

test("When an order would use an AppID that is not the tenant's, then 422 rule app_not_bound_to_tenant; its own binding passes", async () => {
  const tenant = await givenTenant(t, sp.spMchid);
  const view = (await dir.byId(tenant.id))!;
  await guard.checkOrder(view, view.apps[0]);
  await refusedWith(
    guard.checkOrder(view, { appid: uniqueAppid(), type: 'miniprogram', devMode: 'outsourced' }),
    'app_not_bound_to_tenant',
  );
  const other = await givenTenant(t, sp.spMchid);
  await refusedWith(
    guard.checkOrder(view, other.apps[0] && { appid: other.apps[0].appid, type: 'miniprogram', devMode: 'outsourced' }),
    'app_not_bound_to_tenant',
  );
  // A centralized binding only through the provider's sp_appid.
  const central = await givenTenant(t, sp.spMchid, { apps: [{ appid: sp.spAppid, type: 'miniprogram', dev_mode: 'centralized' }] });
  const cv = (await dir.byId(central.id))!;
  await guard.checkOrder(cv, cv.apps[0]);
  const forged: TenantView = { ...view, apps: [{ appid: view.apps[0].appid, type: 'miniprogram', devMode: 'centralized' }] };
  await refusedWith(guard.checkOrder(forged, forged.apps[0]), 'app_not_bound_to_tenant');
});

test('When a profit-sharing split exceeds the authorised ratio or goes to an unapproved receiver, then 422 ratio_above_cap / receiver_not_approved', async () => {
  const receiver = { type: 'MERCHANT_ID', account: '1900000199' };
  const tenant = await givenTenant(t, sp.spMchid, { profit_sharing: { receivers: [receiver] } });
  const view = (await dir.byId(tenant.id))!;
  await guard.checkProfitSharing(view, { receivers: [receiver], ratio: 3000 });
  await refusedWith(guard.checkProfitSharing(view, { receivers: [receiver], ratio: 3001 }), 'ratio_above_cap');
  await refusedWith(
    guard.checkProfitSharing(view, { receivers: [{ type: 'PERSONAL_OPENID', account: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }], ratio: 100 }),
    'receiver_not_approved',
  );
  await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t))
    .send({ profit_sharing: { max_ratio: 1000 } });
  await refusedWith(guard.checkProfitSharing(view, { receivers: [receiver], ratio: 1500 }), 'ratio_above_cap');
  await assert.rejects(guard.checkProfitSharing(view, { receivers: [receiver], ratio: 0.3 }), TypeError);
  const tooHigh = await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t))
    .send({ profit_sharing: { max_ratio: 5000 } });
  assert.equal(tooHigh.status, 400);
});

test('When an operator reads /admin/v1/compliance, then every rule is explained (partner_endpoints_only included) with the 3x3 matrix', async () => {
  const res = await request(t.http)
    .get('/admin/v1/compliance')
    .set(...admin(t));
  assert.equal(res.status, 200);
  const rules = res.body.rules.map((r: { rule: string }) => r.rule);
  for (const r of [
    'isv_collects_own_account',
    'partner_endpoints_only',
    'shared_sub_mchid',
    'app_not_bound_to_tenant',
    'sp_appid_is_tenant_app',
    'ratio_above_cap',
    'receiver_not_approved',
  ])
    assert.ok(rules.includes(r), r);
  assert.match(res.body.rules.find((r: { rule: string }) => r.rule === 'partner_endpoints_only').why, /\/v3\/pay\/transactions/);
  assert.equal(res.body.matrix.cells.length, 9);
  const cell = (d: string, p: string) =>
    res.body.matrix.cells.find((c: { dev_mode: string; payment_mode: string }) => c.dev_mode === d && c.payment_mode === p);
  assert.equal(cell('centralized', 'ordinary_merchant').verdict, 'forbidden');
  for (const d of ['centralized', 'outsourced', 'third_party']) assert.equal(cell(d, 'ordinary_service_provider').verdict, 'served');
  assert.equal((await request(t.http).get('/admin/v1/compliance')).status, 401);
});

test("When an operator reads a tenant's compliance, then each rule holds or not with why; unknown tenant 404", async () => {
  const tenant = await givenTenant(t, sp.spMchid);
  const res = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}/compliance`)
    .set(...admin(t));
  assert.equal(res.status, 200);
  assert.equal(res.body.compliant, true);
  assert.equal(res.body.rules.length, 7);
  assert.ok(res.body.rules.every((r: { holds: boolean; explanation: string }) => r.holds && r.explanation.length > 10));
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/tenants/ten_doesnotexist000000000/compliance')
        .set(...admin(t))
    ).status,
    404,
  );
  assert.equal((await request(t.http).get(`/admin/v1/tenants/${tenant.id}/compliance`)).status, 401);
});

test("When a provider's sp_appid would be another tenant's own AppID, then 422 rule sp_appid_is_tenant_app (and the reverse is refused)", async () => {
  const owner = await givenTenant(t, sp.spMchid);
  const ownAppid = owner.apps[0].appid;
  const spMchid = uniqueMchid();
  const res = await request(t.http)
    .put(`/admin/v1/service-providers/${spMchid}`)
    .set(...admin(t))
    .send(providerBody(keys, { sp_appid: ownAppid }));
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.equal(res.body.code, 'SECONDARY_CLEARING_FORBIDDEN');
  assert.equal(res.body.detail.rule, 'sp_appid_is_tenant_app');
  assert.equal(
    (
      await request(t.http)
        .get(`/admin/v1/service-providers/${spMchid}`)
        .set(...admin(t))
    ).status,
    404,
  );
  // The reverse: another provider's sp_appid as a tenant's own app.
  const other = await givenProvider(t, keys);
  const reverse = await request(t.http)
    .post(`/admin/v1/tenants/${owner.id}/apps`)
    .set(...admin(t))
    .send({ appid: other.spAppid, type: 'miniprogram', dev_mode: 'outsourced' });
  assert.equal(reverse.status, 400, JSON.stringify(reverse.body));
  const compliance = await request(t.http)
    .get(`/admin/v1/tenants/${owner.id}/compliance`)
    .set(...admin(t));
  assert.equal(compliance.body.rules.find((r: { rule: string }) => r.rule === 'sp_appid_is_tenant_app').holds, true);
});

test('When the sub_mchid unique index is hit directly, then the database refuses a second tenant for it', async () => {
  const tenant = await givenTenant(t, sp.spMchid);
  const orm = t.app.container.resolve<import('../../../src/platform/db/orm').Orm>(TOKENS.Orm);
  await assert.rejects(
    orm.em
      .getConnection()
      .execute(
        "insert into tenant (id, sp_mchid, sub_mchid, name, status, order_expire_minutes, profit_sharing_max_ratio, profit_sharing_receivers, created_at, updated_at, version) values ('ten_dup_direct_insert_x', ?, ?, 'x', 'active', 5, 0, '[]', 0, 0, 1)",
        [uniqueMchid(), tenant.sub_mchid],
      ),
  );
});
