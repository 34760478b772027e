import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf } from '../../support/payments';
import { TOKENS } from '../../../src/platform/tokens';
import type { Database } from '../../../src/platform/db/database';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test('The long-lived reader of Database.read() keeps nothing: after orders, payments and reads its identity map is still empty', async () => {
  const provider = await givenWechatProvider(t, rsaPems());
  const tenant = await givenWechatTenant(t, provider);
  for (let i = 0; i < 3; i++) {
    const res = await request(t.http)
      .post('/v1/orders')
      .set(...tenant.auth)
      .send(orderBody(tenant));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
    const got = await request(t.http)
      .get(`/v1/orders/${res.body.order.out_trade_no}`)
      .set(...tenant.auth);
    assert.equal(got.status, 200);
  }
  const db = t.app.container.resolve<Database>(TOKENS.Db);
  const reader = db.read();
  assert.equal(db.read(), reader, 'one reader for the process');
  assert.equal(reader.getUnitOfWork().getIdentityMap().values().length, 0);
  assert.equal(reader.isInTransaction(), false);
});
