import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, orderBody, simulatorOf, type Provider } from '../../support/payments';
import { ApplymentFollower } from '../../../src/modules/onboarding/applyment.follower';
import { ONBOARDING_TIMES } from '@partnerpay/wxpay-simulator';
import { individualApplication, person, rng, tenantTemplate, uniqueAppid, upload } from './harness';

let t: TestApp;
let provider: Provider;
const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);

before(async () => {
  console.log(`# onboarding flow seed ${seed}`);
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
});
after(() => t.close());

const follower = () => t.app.container.resolve(ApplymentFollower);
/** Runs the follower as if every applyment were due (the backoff itself is tested in the follower test). */
const poll = () => follower().runOnce(Date.now() + 365 * 86_400_000, provider.spMchid);
const get = (id: string) =>
  request(t.http)
    .get(`/admin/v1/applyments/${id}`)
    .set(...admin(t));
const control = (applymentId: number, action: string, body: Record<string, unknown> = {}) =>
  request(t.http).post(`/simulator/control/applyments/${applymentId}/${action}`).send(body);

test('When a shop is onboarded end to end (upload, submit, reject, resubmit, sign), then it becomes a live tenant that takes its first order', async () => {
  const r = rng(seed);
  const p = person(r);
  const appid = uniqueAppid();
  const media: string[] = [];
  for (let i = 0; i < 4; i++) media.push((await upload(t, provider.spMchid)).media_id);
  assert.ok(media.every((m) => m.startsWith('V1_')));

  const app = individualApplication(p, media, appid);
  const created = await request(t.http)
    .post('/admin/v1/applyments')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, application: app, tenant: tenantTemplate(appid) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const a = created.body.applyment;
  assert.match(a.id, /^apl_/);
  assert.equal(a.state, 'APPLYMENT_STATE_AUDITING');
  assert.match(a.business_code, new RegExp(`^${provider.spMchid}_`));
  assert.equal(typeof a.applyment_id, 'number');
  assert.equal(a.application.bank_account_info.account_number, `${'*'.repeat(15)}${p.accountNumber.slice(-4)}`);
  assert.equal(a.application.contact_info.mobile_phone, `${p.phone.slice(0, 3)}****${p.phone.slice(-4)}`);

  // WeChat Pay got every sensitive field encrypted, under the serial of the key it decrypts with.
  const submit = simulatorOf(t)
    .calls()
    .find((c) => c.path === '/v3/applyment4sub/applyment/' && (c.body as { business_code?: string }).business_code === a.business_code)!;
  const sent = JSON.stringify(submit.body);
  // (The shop's name and legal_person travel in plain text: WeChat Pay does not encrypt those.)
  for (const v of [p.idNumber, p.phone, p.email, p.accountNumber]) assert.ok(!sent.includes(v), 'plaintext sent upstream');
  const body = submit.body as typeof app;
  for (const v of [
    body.contact_info.contact_name,
    body.subject_info.identity_info.id_card_info.id_card_name,
    body.bank_account_info.account_name,
  ])
    assert.match(v, /^[A-Za-z0-9+/]{342}==$/, 'RSA-2048 OAEP ciphertext, Base64');

  // Rejected by the reviewer: the follower picks up the state and the audit detail.
  await control(a.applyment_id, 'reject', { field: 'id_card_copy', field_name: '身份证人像面照片', reason: '照片模糊' }).expect(200);
  await poll();
  const rejected = (await get(a.id)).body.applyment;
  assert.equal(rejected.state, 'APPLYMENT_STATE_REJECTED');
  assert.deepEqual(rejected.audit_detail, [{ field: 'id_card_copy', field_name: '身份证人像面照片', reject_reason: '照片模糊' }]);

  // Resubmitted with a new photo under the same business_code: the same applyment_id goes back to review.
  const fresh = (await upload(t, provider.spMchid)).media_id;
  const corrected = structuredClone(app);
  corrected.subject_info.identity_info.id_card_info.id_card_copy = fresh;
  const again = await request(t.http)
    .post(`/admin/v1/applyments/${a.id}/submit`)
    .set(...admin(t))
    .send({ application: corrected });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.applyment.state, 'APPLYMENT_STATE_AUDITING');
  assert.equal(again.body.applyment.applyment_id, a.applyment_id);
  assert.equal(again.body.applyment.application.subject_info.identity_info.id_card_info.id_card_copy, fresh);

  // Approved: sub_mchid and sign_url appear from TO_BE_SIGNED on.
  await control(a.applyment_id, 'approve').expect(200);
  const synced = (
    await request(t.http)
      .get(`/admin/v1/applyments/${a.id}?sync=true`)
      .set(...admin(t))
  ).body.applyment;
  assert.equal(synced.state, 'APPLYMENT_STATE_TO_BE_SIGNED');
  assert.match(synced.sub_mchid, /^\d{10}$/);
  assert.match(synced.sign_url, /^https:\/\/pay\.weixin\.qq\.com\//);
  assert.equal(synced.tenant_id, null);

  // Signed; permissions open within ~30 minutes of simulator time.
  await control(a.applyment_id, 'sign').expect(200);
  await poll();
  assert.equal((await get(a.id)).body.applyment.state, 'APPLYMENT_STATE_SIGNING');
  await simulatorOf(t).advance(ONBOARDING_TIMES.signingMs + 1000);
  await poll();
  const done = (await get(a.id)).body.applyment;
  assert.equal(done.state, 'APPLYMENT_STATE_FINISHED');
  assert.match(done.tenant_id, /^ten_/);

  const tenant = await request(t.http)
    .get(`/admin/v1/tenants/${done.tenant_id}`)
    .set(...admin(t));
  assert.equal(tenant.status, 200);
  assert.equal(tenant.body.sub_mchid, synced.sub_mchid);
  assert.deepEqual(
    tenant.body.apps.map((x: { appid: string }) => x.appid),
    [appid],
  );

  // Every state change is in the audit log with its time.
  const log = await request(t.http)
    .get(`/admin/v1/audit-log?target=applyment:${a.id}&limit=50`)
    .set(...admin(t));
  const moves = log.body.data
    .filter((e: { action: string }) => e.action === 'applyment.state')
    .map((e: { before: { state: string }; after: { state: string; at: string } }) => `${e.before.state}>${e.after.state}`)
    .reverse();
  assert.deepEqual(moves, [
    'SUBMITTING>APPLYMENT_STATE_AUDITING',
    'APPLYMENT_STATE_AUDITING>APPLYMENT_STATE_REJECTED',
    'SUBMITTING>APPLYMENT_STATE_AUDITING',
    'APPLYMENT_STATE_AUDITING>APPLYMENT_STATE_TO_BE_SIGNED',
    'APPLYMENT_STATE_TO_BE_SIGNED>APPLYMENT_STATE_SIGNING',
    'APPLYMENT_STATE_SIGNING>APPLYMENT_STATE_FINISHED',
  ]);
  assert.ok(log.body.data.every((e: { after: { at?: string } | null }) => e.after?.at === undefined || /\+08:00$/.test(e.after.at)));

  // The new tenant mints its key and sells.
  const key = await request(t.http)
    .post(`/admin/v1/tenants/${done.tenant_id}/secret-keys`)
    .set(...admin(t));
  assert.equal(key.status, 201, JSON.stringify(key.body));
  const sk = key.body.secret_key as string;
  const order = await request(t.http)
    .post('/v1/orders')
    .set('Authorization', `Bearer ${sk}`)
    .send(
      orderBody({
        id: done.tenant_id,
        subMchid: synced.sub_mchid,
        appid,
        secretKey: sk,
        webhookSecret: '',
        auth: ['Authorization', `Bearer ${sk}`],
      }),
    );
  assert.equal(order.status, 201, JSON.stringify(order.body));
  await simulatorOf(t).pay({ prepay_id: order.body.order.prepay_id });
  const paid = await request(t.http).get(`/v1/orders/${order.body.order.out_trade_no}`).set('Authorization', `Bearer ${sk}`);
  assert.equal(paid.body.order.trade_state, 'SUCCESS');
});

test('When WeChat Pay refuses a submit, then 502 UPSTREAM_ERROR with detail.upstream, the applyment is EDITTING and a corrected resubmit goes through', async () => {
  const p = person(rng(seed + 1));
  const appid = uniqueAppid();
  const media = [];
  for (let i = 0; i < 4; i++) media.push((await upload(t, provider.spMchid)).media_id);
  const app = individualApplication(p, media, appid);
  app.settlement_info.qualification_type = '不存在的行业';
  const res = await request(t.http)
    .post('/admin/v1/applyments')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, application: app, tenant: tenantTemplate(appid) });
  assert.equal(res.status, 502, JSON.stringify(res.body));
  assert.equal(res.body.code, 'UPSTREAM_ERROR');
  assert.equal(res.body.detail.upstream.code, 'PARAM_ERROR');
  assert.match(res.body.detail.upstream.message, /所属行业不存在/);
  const id = res.body.detail.applyment as string;
  const editing = (await get(id)).body.applyment;
  assert.equal(editing.state, 'APPLYMENT_STATE_EDITTING');
  assert.equal(editing.last_error.code, 'PARAM_ERROR');

  app.settlement_info.qualification_type = '餐饮';
  const again = await request(t.http)
    .post(`/admin/v1/applyments/${id}/submit`)
    .set(...admin(t))
    .send({ application: app });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.applyment.state, 'APPLYMENT_STATE_AUDITING');
  assert.equal(again.body.applyment.last_error, null);
  // An applyment under review cannot be resubmitted.
  const busy = await request(t.http)
    .post(`/admin/v1/applyments/${id}/submit`)
    .set(...admin(t))
    .send({});
  assert.equal(busy.status, 409);
});

test('When WeChat Pay does not answer a submit, then the applyment stays SUBMITTING and the same request resumes it', async () => {
  const p = person(rng(seed + 2));
  const appid = uniqueAppid();
  const media = [];
  for (let i = 0; i < 4; i++) media.push((await upload(t, provider.spMchid)).media_id);
  const body = { sp_mchid: provider.spMchid, application: individualApplication(p, media, appid), tenant: tenantTemplate(appid) };
  // The client does not retry a submit by itself (not idempotent for the transport); the same request resumes it.
  simulatorOf(t).fault({ kind: 'http_500', count: 1, path_prefix: '/v3/applyment4sub/applyment/' });
  const failed = await request(t.http)
    .post('/admin/v1/applyments')
    .set(...admin(t))
    .send(body);
  assert.equal(failed.status, 502, JSON.stringify(failed.body));
  assert.equal(failed.body.detail.retryable, true);
  const list = await request(t.http)
    .get(`/admin/v1/applyments?sp_mchid=${provider.spMchid}&state=SUBMITTING`)
    .set(...admin(t));
  assert.deepEqual(
    list.body.data.map((x: { id: string; business_code: string }) => [x.id, x.business_code]),
    [[failed.body.detail.applyment, failed.body.detail.business_code]],
  );
  const again = await request(t.http)
    .post('/admin/v1/applyments')
    .set(...admin(t))
    .send({ ...body, business_code: failed.body.detail.business_code });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.applyment.id, failed.body.detail.applyment);
  assert.equal(again.body.applyment.state, 'APPLYMENT_STATE_AUDITING');
});
