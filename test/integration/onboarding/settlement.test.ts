import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, simulatorOf, type Provider, type Tenant } from '../../support/payments';

let t: TestApp;
let provider: Provider;
let tenant: Tenant;
const company = '深圳市腾达玩具有限公司';
const subject = { subject_type: 'SUBJECT_TYPE_ENTERPRISE', merchant_name: company };

before(async () => {
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
  tenant = await givenWechatTenant(t, provider);
});
after(() => t.close());

const change = (over: Record<string, unknown> = {}) =>
  request(t.http)
    .post(`/admin/v1/tenants/${tenant.id}/settlement`)
    .set(...admin(t))
    .send({
      account_type: 'ACCOUNT_TYPE_BUSINESS',
      account_bank: '招商银行',
      bank_address_code: '440300',
      bank_name: '招商银行深圳分行',
      account_number: '755912345678901',
      account_name: company,
      subject,
      ...over,
    });
const modifies = () =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path.endsWith('/modify-settlement')).length;

test("When a tenant's settlement account is changed, then WeChat Pay gets it encrypted (MODIFY_MODE_ASYNC) and the application can be followed", async () => {
  const before = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}/settlement`)
    .set(...admin(t));
  assert.equal(before.status, 200, JSON.stringify(before.body));
  assert.equal(before.body.verify_result, undefined, 'absent until the account is changed');

  const res = await change();
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.equal(res.body.verify_result, 'AUDITING');
  const call = simulatorOf(t)
    .calls()
    .filter((c) => c.path.endsWith('/modify-settlement'))
    .pop()!;
  const body = call.body as Record<string, string>;
  assert.equal(body.modify_mode, 'MODIFY_MODE_ASYNC');
  assert.notEqual(body.account_number, '755912345678901');
  assert.ok(!JSON.stringify(body).includes(company), 'account_name encrypted');

  const app = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}/settlement/applications/${res.body.application_no}`)
    .set(...admin(t));
  assert.equal(app.status, 200);
  assert.equal(app.body.verify_result, 'AUDITING');
  assert.ok(!app.text.includes('755912345678901'));
  await request(t.http)
    .post(`/simulator/control/settlement-applications/${res.body.application_no}/finish`)
    .send({ result: 'AUDIT_SUCCESS' })
    .expect(200);
  const after = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}/settlement`)
    .set(...admin(t));
  assert.equal(after.body.verify_result, 'VERIFY_SUCCESS');
  assert.equal(after.body.account_number.slice(-4), '8901');
  assert.ok(!after.text.includes('755912345678901'));
});

test("When the new account is not the subject's, or the subject is unknown, then 422 / 400 and nothing is sent", async () => {
  const n = modifies();
  const third = await change({ account_name: '某某投资有限公司' });
  assert.equal(third.status, 422);
  assert.equal(third.body.detail.rule, 'settlement_account_not_owned');
  const personal = await change({ account_type: 'ACCOUNT_TYPE_PRIVATE', account_name: '张三' });
  assert.equal(personal.status, 422);
  const unknown = await change({ subject: undefined });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.detail.fields[0].field, 'subject');
  assert.equal(modifies(), n);
});

test("When WeChat Pay's 5-a-day limit is reached, then 429 FREQUENCY_LIMITED with Retry-After", async () => {
  const other = await givenWechatTenant(t, provider);
  const go = () =>
    request(t.http)
      .post(`/admin/v1/tenants/${other.id}/settlement`)
      .set(...admin(t))
      .send({
        account_type: 'ACCOUNT_TYPE_BUSINESS',
        account_bank: '工商银行',
        bank_address_code: '440300',
        account_number: '622202123456789',
        account_name: company,
        subject,
      });
  for (let i = 0; i < 5; i++) {
    const ok = await go();
    assert.equal(ok.status, 202, `change ${i + 1}: ${JSON.stringify(ok.body)}`);
    await request(t.http)
      .post(`/simulator/control/settlement-applications/${ok.body.application_no}/finish`)
      .send({ result: 'AUDIT_FAIL' })
      .expect(200);
  }
  const limited = await go();
  assert.equal(limited.status, 429, JSON.stringify(limited.body));
  assert.equal(limited.body.code, 'FREQUENCY_LIMITED');
  const retry = Number(limited.headers['retry-after']);
  assert.ok(retry >= 1 && retry <= 86_400);
});
