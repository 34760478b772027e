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

// The demo's start-up seeding twice over one database, as two starts of `npm start`: the second creates nothing,
// keeps what an operator changed, and its simulator knows the tenant the admin API created in the first.
const state = mkdtempSync(join(tmpdir(), 'pp-demo-seed-'));
let db: { url: string; drop(): Promise<void> };
const start = () =>
  startTestApp({ db: { url: db.url, migrateOnStart: false }, seedDemo: true, demo: { inbox: true }, simulator: { stateDir: state } });

before(async () => {
  // A database of its own (the demo's sub_mchids are fixed), kept across the two starts: a file for SQLite.
  db =
    dialectOf(testDatabaseUrl()) === 'mysql'
      ? await isolatedDatabase()
      : { url: `sqlite:${join(state, 'db.sqlite')}`, drop: async () => {} };
});
after(async () => {
  await db.drop();
  rmSync(state, { recursive: true, force: true });
});

/** The buyer's checkout in the mini-program: a wx.login code from the simulator, then POST /mp/v1/orders/{id}/pay. */
async function checkout(t: TestApp, secretKey: string, appid: string): Promise<request.Response> {
  const order = await request(t.http)
    .post('/v1/orders')
    .set('Authorization', `Bearer ${secretKey}`)
    .send({ appid, out_trade_no: `MP${Date.now()}`, description: 'x', amount: { total: 1, currency: 'CNY' } });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  const code = simulatorOf(t).login.issueCode({ appid, openid: 'oSeedBuyer01' }).code;
  return request(t.http).post(`/mp/v1/orders/${order.body.order.id}/pay`).send({ client_secret: order.body.order.client_secret, code });
}

const admin = (t: TestApp) => ['Authorization', `Bearer ${t.config.security.adminToken}`] as const;

async function tenants(t: TestApp): Promise<Array<{ id: string; sub_mchid: string; name: string; webhook_url: string | null }>> {
  return (
    await request(t.http)
      .get('/admin/v1/tenants')
      .set(...admin(t))
  ).body.data;
}

test('When the demo restarts, then seeding creates only what is missing, keeps a PATCHed webhook_url, and the simulator knows an API-created tenant', async () => {
  let t = await start();
  let created: { id: string; secret_key: string };
  const appid = 'wx0123456789abcdef';
  try {
    const seeded = await tenants(t);
    assert.deepEqual(seeded.map((x) => x.sub_mchid).sort(), ['1900000109', '1900000110']);
    const tengda = seeded.find((x) => x.sub_mchid === '1900000109')!;
    // The example webhook follows the public base URL (`${PUBLIC_BASE_URL}` in tenants/tengda-toys.json).
    assert.equal(tengda.webhook_url, `${t.config.server.publicBaseUrl}/demo/inbox/1900000109`);
    const patched = await request(t.http)
      .patch(`/admin/v1/tenants/${tengda.id}`)
      .set(...admin(t))
      .send({ webhook_url: 'http://127.0.0.1:9/my-receiver', name: 'Renamed by an operator' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const res = await request(t.http)
      .post('/admin/v1/tenants')
      .set(...admin(t))
      .send({
        sp_mchid: DEMO_SP.spMchid,
        sub_mchid: '1900000777',
        name: 'API shop',
        apps: [{ appid, type: 'miniprogram', dev_mode: 'outsourced' }],
      });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    created = { id: res.body.tenant?.id ?? res.body.id, secret_key: res.body.secret_key.secret_key ?? res.body.secret_key };
    // At once: the demo registered the tenant and its mini-program's (demo) AppSecret with the simulator's control API.
    const mp = await checkout(t, created.secret_key, appid);
    assert.equal(mp.status, 200, JSON.stringify(mp.body));
  } finally {
    await t.close();
  }

  t = await start();
  try {
    const after = await tenants(t);
    assert.equal(after.length, 3, 'nothing created twice');
    const tengda = after.find((x) => x.sub_mchid === '1900000109')!;
    assert.deepEqual([tengda.webhook_url, tengda.name], ['http://127.0.0.1:9/my-receiver', 'Renamed by an operator']);

    // The restarted simulator still knows the API-created tenant (registered through its control API, kept in its state).
    const order = await request(t.http)
      .post('/v1/orders')
      .set('Authorization', `Bearer ${created.secret_key}`)
      .send({
        appid,
        out_trade_no: `SEED${Date.now()}`,
        description: 'x',
        amount: { total: 1, currency: 'CNY' },
        payer: { openid: 'oSeed' },
      });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    const paid = await simulatorOf(t).pay({ prepay_id: order.body.order.prepay_id });
    assert.equal(paid.trade_state, 'SUCCESS');
    const mp = await checkout(t, created.secret_key, appid);
    assert.equal(mp.status, 200, `not APP_SECRET_MISSING: ${JSON.stringify(mp.body)}`);
  } finally {
    await t.close();
  }
});
