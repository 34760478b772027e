import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, simulatorOf, type Provider } from '../../support/payments';
import { ApplymentFollower } from '../../../src/modules/onboarding/applyment.follower';
import { ONBOARDING_TIMES } from '@partnerpay/wxpay-simulator';
import { individualApplication, person, rng, tenantTemplate, uniqueAppid, upload } from './harness';

// Issue 30 item 11: the settlement-account ownership rule checks what the applyment declares, not a subject sent alongside the account.
let t: TestApp;
let provider: Provider;
let media: string[];
const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);

before(async () => {
  console.log(`# settlement-owner seed ${seed}`);
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
  media = [];
  for (let i = 0; i < 4; i++) media.push((await upload(t, provider.spMchid)).media_id);
});
after(() => t.close());

const submits = () =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path === '/v3/applyment4sub/applyment/').length;
const modifies = () =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path.endsWith('/modify-settlement')).length;
const create = (application: unknown, appid: string) =>
  request(t.http)
    .post('/admin/v1/applyments')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, application, tenant: tenantTemplate(appid) });

test("When a 个体户's licence names a third party as legal person and the personal account is that party's, then 422: the account must be the identity document's holder's", async () => {
  const p = person(rng(seed));
  const appid = uniqueAppid();
  const app = individualApplication(p, media, appid);
  app.subject_info.business_license_info.legal_person = '某某代收人';
  app.bank_account_info.account_name = '某某代收人';
  const n = submits();
  const res = await create(app, appid);
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.equal(res.body.code, 'SECONDARY_CLEARING_FORBIDDEN');
  assert.equal(res.body.detail.rule, 'settlement_account_not_owned');
  assert.ok(!res.text.includes(p.name) && !res.text.includes('某某代收人'), 'the refusal repeats no name');
  assert.equal(submits(), n, 'WeChat Pay was not asked');
});

test('When a rejected applyment is resubmitted with the subject renamed to fit a third-party account, then 422 and nothing is sent; a correction that keeps the subject goes through', async () => {
  const p = person(rng(seed + 1));
  const appid = uniqueAppid();
  const app = individualApplication(p, media, appid);
  app.settlement_info.qualification_type = '不存在的行业'; // WeChat Pay refuses it: the applyment waits EDITTING
  const first = await create(app, appid);
  assert.equal(first.status, 502, JSON.stringify(first.body));
  const id = first.body.detail.applyment as string;

  const renamed = structuredClone(app);
  renamed.settlement_info.qualification_type = '餐饮';
  renamed.subject_info.business_license_info.legal_person = '某某代收人';
  renamed.subject_info.identity_info.id_card_info.id_card_name = '某某代收人';
  renamed.contact_info.contact_name = '某某代收人';
  renamed.bank_account_info.account_name = '某某代收人';
  const n = submits();
  const refused = await request(t.http)
    .post(`/admin/v1/applyments/${id}/submit`)
    .set(...admin(t))
    .send({ application: renamed });
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.equal(refused.body.detail.rule, 'settlement_account_not_owned');
  assert.equal(refused.body.detail.field, 'application.subject_info');
  assert.equal(submits(), n);
  const stored = await request(t.http)
    .get(`/admin/v1/applyments/${id}`)
    .set(...admin(t));
  assert.equal(stored.body.applyment.state, 'APPLYMENT_STATE_EDITTING', 'nothing half-written');

  const corrected = structuredClone(app);
  corrected.settlement_info.qualification_type = '餐饮';
  const ok = await request(t.http)
    .post(`/admin/v1/applyments/${id}/submit`)
    .set(...admin(t))
    .send({ application: corrected });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
});

test("When a settlement change for an onboarded tenant sends a subject other than its applyment's, then 422 naming subject; the applyment's own subject decides", async () => {
  const p = person(rng(seed + 2));
  const appid = uniqueAppid();
  const app = individualApplication(p, media, appid);
  const created = await create(app, appid);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const a = created.body.applyment;
  const control = (action: string) => request(t.http).post(`/simulator/control/applyments/${a.applyment_id}/${action}`).send({});
  const poll = () => t.app.container.resolve(ApplymentFollower).runOnce(Date.now() + 365 * 86_400_000, provider.spMchid);
  await control('approve').expect(200);
  await poll();
  await control('sign').expect(200);
  await poll();
  await simulatorOf(t).advance(ONBOARDING_TIMES.signingMs + 1000);
  await poll();
  const done = (
    await request(t.http)
      .get(`/admin/v1/applyments/${a.id}`)
      .set(...admin(t))
  ).body.applyment;
  assert.equal(done.state, 'APPLYMENT_STATE_FINISHED');

  const shop = app.subject_info.business_license_info.merchant_name;
  const change = (over: Record<string, unknown>) =>
    request(t.http)
      .post(`/admin/v1/tenants/${done.tenant_id}/settlement`)
      .set(...admin(t))
      .send({
        account_type: 'ACCOUNT_TYPE_PRIVATE',
        account_bank: '招商银行',
        bank_address_code: '440300',
        account_number: '6225881234567890',
        account_name: p.name,
        ...over,
      });
  const n = modifies();
  // A subject sent with the change, naming the account's holder as legal person: refused, not believed.
  const claimed = await change({
    account_name: '某某代收人',
    subject: { subject_type: 'SUBJECT_TYPE_INDIVIDUAL', merchant_name: shop, legal_person: '某某代收人' },
  });
  assert.equal(claimed.status, 422, JSON.stringify(claimed.body));
  assert.equal(claimed.body.detail.rule, 'settlement_account_not_owned');
  assert.equal(claimed.body.detail.field, 'subject');
  // Even one that only repeats the account holder's name next to the right account is refused when it contradicts the applyment.
  const contradicting = await change({
    subject: { subject_type: 'SUBJECT_TYPE_ENTERPRISE', merchant_name: shop },
  });
  assert.equal(contradicting.status, 422, JSON.stringify(contradicting.body));
  assert.equal(contradicting.body.detail.field, 'subject');
  assert.equal(modifies(), n, 'WeChat Pay was not asked');

  // The legal person's own card, with or without repeating the applyment's subject: accepted, and audited as checked against the applyment.
  const same = await change({ subject: { subject_type: 'SUBJECT_TYPE_INDIVIDUAL', merchant_name: shop, legal_person: p.name } });
  assert.equal(same.status, 202, JSON.stringify(same.body));
  const log = await request(t.http)
    .get(`/admin/v1/audit-log?target=tenant:${done.tenant_id}&limit=10`)
    .set(...admin(t));
  const entry = log.body.data.find((e: { action: string }) => e.action === 'tenant.settlement.change');
  assert.equal(entry.after.subject_source, 'applyment');
  assert.ok(!log.text.includes(p.name), 'the audit keeps no legal person');
});

test('When the compliance report explains the ownership rule, then it says the applyment decides and a subject in the same request does not', async () => {
  const res = await request(t.http)
    .get('/admin/v1/compliance')
    .set(...admin(t));
  const rule = res.body.rules.find((r: { rule: string }) => r.rule === 'settlement_account_not_owned');
  assert.match(rule.why, /never against a subject sent in the same request/);
  assert.match(rule.why, /identity document/);
});
