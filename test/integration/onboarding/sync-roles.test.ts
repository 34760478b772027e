import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, simulatorOf, type Provider } from '../../support/payments';
import { ONBOARDING_TIMES } from '@partnerpay/wxpay-simulator';
import { individualApplication, person, rng, tenantTemplate, uniqueAppid, upload } from './harness';

let t: TestApp;
let provider: Provider;
const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);

// A database of its own: the first test counts every tenant, and other files create tenants meanwhile
// (seen in CI: 64 !== 63).
let db: Awaited<ReturnType<typeof isolatedDatabase>> | undefined;
before(async () => {
  console.log(`# onboarding sync-roles seed ${seed}`);
  t = await startTestApp({ db: { url: (db = await isolatedDatabase()).url }, onboarding: { syncPerMinutePerOperator: 3 } });
  provider = await givenWechatProvider(t, rsaPems());
});
after(async () => {
  await t.close();
  await db?.drop();
});

const control = (applymentId: number, action: string) =>
  request(t.http).post(`/simulator/control/applyments/${applymentId}/${action}`).send({});

async function operator(role: 'admin' | 'viewer'): Promise<[string, string]> {
  const res = await request(t.http)
    .post('/admin/v1/operators')
    .set(...admin(t))
    .send({ name: `Sync ${role} ${Date.now()}`, role });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return ['Authorization', `Bearer ${res.body.token}`];
}

/** An applyment WeChat Pay has finished (signed, permissions open) that partnerpay has not yet heard about. */
async function finishedUpstream(): Promise<{ id: string; applymentId: number }> {
  const r = rng(seed);
  const appid = uniqueAppid();
  const media: string[] = [];
  for (let i = 0; i < 4; i++) media.push((await upload(t, provider.spMchid)).media_id);
  const created = await request(t.http)
    .post('/admin/v1/applyments')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, application: individualApplication(person(r), media, appid), tenant: tenantTemplate(appid) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const a = created.body.applyment;
  await control(a.applyment_id, 'approve').expect(200);
  await control(a.applyment_id, 'sign').expect(200);
  await simulatorOf(t).advance(ONBOARDING_TIMES.signingMs + 1000);
  return { id: a.id, applymentId: a.applyment_id };
}

test('When a viewer reads an applyment with ?sync=true, then 403, WeChat Pay is not asked, and nothing is written (no tenant created)', async () => {
  const a = await finishedUpstream();
  const viewer = await operator('viewer');
  const calls = simulatorOf(t).calls().length;
  const tenantsBefore = (
    await request(t.http)
      .get('/admin/v1/tenants?limit=100')
      .set(...admin(t))
  ).body.data.length;
  const res = await request(t.http)
    .get(`/admin/v1/applyments/${a.id}?sync=true`)
    .set(...viewer);
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.equal(res.body.code, 'FORBIDDEN');
  assert.match(res.body.message, /role admin/);
  assert.equal(simulatorOf(t).calls().length, calls, 'no call to WeChat Pay');
  const plain = await request(t.http)
    .get(`/admin/v1/applyments/${a.id}`)
    .set(...viewer);
  assert.equal(plain.status, 200, 'a viewer still reads the stored state');
  assert.equal(plain.body.applyment.state, 'APPLYMENT_STATE_AUDITING');
  assert.equal(plain.body.applyment.tenant_id, null);
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/tenants?limit=100')
        .set(...admin(t))
    ).body.data.length,
    tenantsBefore,
  );

  // An admin's sync applies WeChat Pay's answer and creates the tenant.
  const synced = await request(t.http)
    .get(`/admin/v1/applyments/${a.id}?sync=true`)
    .set(...(await operator('admin')));
  assert.equal(synced.status, 200, JSON.stringify(synced.body));
  assert.equal(synced.body.applyment.state, 'APPLYMENT_STATE_FINISHED');
  assert.match(synced.body.applyment.tenant_id, /^ten_/);
});

test('When an admin syncs applyments more than onboarding.syncPerMinutePerOperator times a minute, then 429 with Retry-After and no further call', async () => {
  const a = await finishedUpstream();
  const op = await operator('admin');
  for (let i = 0; i < 3; i++)
    assert.equal(
      (
        await request(t.http)
          .get(`/admin/v1/applyments/${a.id}?sync=true`)
          .set(...op)
      ).status,
      200,
    );
  const calls = simulatorOf(t).calls().length;
  const res = await request(t.http)
    .get(`/admin/v1/applyments/${a.id}?sync=true`)
    .set(...op);
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.equal(res.body.code, 'FREQUENCY_LIMITED');
  assert.ok(Number(res.headers['retry-after']) > 0);
  assert.equal(simulatorOf(t).calls().length, calls);
  // Another operator has a budget of its own, and plain reads are never limited.
  assert.equal(
    (
      await request(t.http)
        .get(`/admin/v1/applyments/${a.id}?sync=true`)
        .set(...(await operator('admin')))
    ).status,
    200,
  );
  assert.equal(
    (
      await request(t.http)
        .get(`/admin/v1/applyments/${a.id}`)
        .set(...op)
    ).status,
    200,
  );
});
