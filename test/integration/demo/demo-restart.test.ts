import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, testDatabaseUrl, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { simulatorOf } from '../../support/payments';
import { dialectOf } from '../../../src/platform/db/orm';
import { DEMO_SP } from '../../../src/surfaces/demo/demo.module';

// The demo stopped and started again over one database and one simulator state directory (two `npm start`s).
const state = mkdtempSync(join(tmpdir(), 'pp-demo-restart-'));
let db: { url: string; drop(): Promise<void> };
const start = () =>
  startTestApp({ db: { url: db.url, migrateOnStart: false }, seedDemo: true, demo: { inbox: true }, simulator: { stateDir: state } });

before(async () => {
  db =
    dialectOf(testDatabaseUrl()) === 'mysql'
      ? await isolatedDatabase()
      : { url: `sqlite:${join(state, 'db.sqlite')}`, drop: async () => {} };
});
after(async () => {
  await db.drop();
  rmSync(state, { recursive: true, force: true });
});

test('When the demo restarts, then every order paid before the restart is still refundable through partnerpay', async () => {
  const appid = 'wx0123456789abcd01';
  const outTradeNos = [`RST${Date.now()}A`, `RST${Date.now()}B`];
  let secret = '';
  let t: TestApp = await start();
  try {
    const tenant = await request(t.http)
      .post('/admin/v1/tenants')
      .set('Authorization', `Bearer ${t.config.security.adminToken}`)
      .send({
        sp_mchid: DEMO_SP.spMchid,
        sub_mchid: '1900000778',
        name: 'Restart shop',
        apps: [{ appid, type: 'miniprogram', dev_mode: 'outsourced' }],
      });
    assert.equal(tenant.status, 201, JSON.stringify(tenant.body));
    secret = tenant.body.secret_key;
    for (const out_trade_no of outTradeNos) {
      const order = await request(t.http)
        .post('/v1/orders')
        .set('Authorization', `Bearer ${secret}`)
        .send({ appid, out_trade_no, description: 'x', amount: { total: 100, currency: 'CNY' }, payer: { openid: 'oRestart' } });
      assert.equal(order.status, 201, JSON.stringify(order.body));
      assert.equal((await simulatorOf(t).pay({ prepay_id: order.body.order.prepay_id })).trade_state, 'SUCCESS');
    }
  } finally {
    await t.close();
  }

  t = await start();
  try {
    for (const [i, out_trade_no] of outTradeNos.entries()) {
      const out_refund_no = `${out_trade_no}R`;
      const refund = await request(t.http)
        .post('/v1/refunds')
        .set('Authorization', `Bearer ${secret}`)
        .send({ out_trade_no, out_refund_no, amount: { refund: 40 + i } });
      assert.equal(refund.status, 201, JSON.stringify(refund.body));
      assert.equal(refund.body.refund.status, 'PROCESSING');
      await simulatorOf(t).finishRefund({ out_refund_no, sub_mchid: '1900000778', status: 'SUCCESS' });
      const done = await request(t.http).get(`/v1/refunds/${out_refund_no}?sync=true`).set('Authorization', `Bearer ${secret}`);
      assert.equal(done.body.refund?.status, 'SUCCESS', JSON.stringify(done.body));
    }
  } finally {
    await t.close();
  }
});
