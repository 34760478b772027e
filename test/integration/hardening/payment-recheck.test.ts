import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems, admin } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider } from '../../support/payments';

let t: TestApp;
let provider: Provider;

before(async () => {
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
});
after(() => t.close());

test('When the AppID of an unpaid order is unbound, then POST /payment is 422 APPID_MCHID_NOT_MATCH with no paySign and no upstream call', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const body = orderBody(tenant);
  assert.equal(
    (
      await request(t.http)
        .post('/v1/orders')
        .set(...tenant.auth)
        .send(body)
    ).status,
    201,
  );
  const before = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/payment`)
    .set(...tenant.auth);
  assert.equal(before.status, 200);
  const unbound = await request(t.http)
    .delete(`/admin/v1/tenants/${tenant.id}/apps/${tenant.appid}`)
    .set(...admin(t));
  assert.equal(unbound.status, 200, JSON.stringify(unbound.body));
  const calls = simulatorOf(t).calls().length;
  const res = await request(t.http)
    .post(`/v1/orders/${body.out_trade_no}/payment`)
    .set(...tenant.auth);
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.equal(res.body.code, 'APPID_MCHID_NOT_MATCH');
  assert.equal(res.body.payment, undefined);
  assert.equal(simulatorOf(t).calls().length, calls);
});
