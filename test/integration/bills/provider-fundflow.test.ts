import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, type Provider } from '../../support/payments';
import { beijingDay } from '../../../src/platform/clock';

// GET /admin/v1/bills/{sp_mchid}/{bill_date}?type=fundflow: a provider's own fund-flow bill, fetched from
// WeChat Pay (the simulator) and answered as its CSV.
let t: TestApp;
let provider: Provider;

before(async () => {
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
});
after(() => t.close());

test("When an operator asks for a provider's fund-flow bill, then it is WeChat Pay's CSV as an attachment; bad dates and unknown providers are refused", async () => {
  const today = beijingDay(Date.now());
  const res = await request(t.http)
    .get(`/admin/v1/bills/${provider.spMchid}/${today}?type=fundflow&account_type=BASIC`)
    .set(...admin(t));
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type'], /^text\/csv/);
  assert.equal(res.headers['content-disposition'], `attachment; filename="fundflow-${provider.spMchid}-${today}-BASIC.csv"`);
  assert.ok(res.text.startsWith('\ufeff记账时间,'), 'WeChat Pay\u2019s fund-flow columns');
  assert.ok(res.text.includes('资金流水总笔数'), 'with its summary rows');

  const future = await request(t.http)
    .get(`/admin/v1/bills/${provider.spMchid}/2999-01-01?type=fundflow`)
    .set(...admin(t));
  assert.equal(future.status, 400);
  assert.equal(future.body.code, 'PARAM_ERROR');
  assert.equal(future.body.detail.fields[0].field, 'bill_date');

  const noType = await request(t.http)
    .get(`/admin/v1/bills/${provider.spMchid}/${today}`)
    .set(...admin(t));
  assert.equal(noType.status, 400, 'only type=fundflow is served here (trade bills are reconciled)');

  const unknown = await request(t.http)
    .get(`/admin/v1/bills/${uniqueMchid()}/${today}?type=fundflow`)
    .set(...admin(t));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'NOT_FOUND');

  const anonymous = await request(t.http).get(`/admin/v1/bills/${provider.spMchid}/${today}?type=fundflow`);
  assert.equal(anonymous.status, 401);
});
