import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf } from '../../support/payments';
import { loadConfig, ConfigError } from '../../../src/platform/config/load-config';
import { webhookSignatureHeader } from '../../../src/modules/events/webhook-signature';
import { EventDispatcher } from '../../../src/modules/events/dispatcher';

// The dispatcher scans the whole outbox, so this file has a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>>;
let t: TestApp;

before(async () => {
  db = await isolatedDatabase();
  t = await startTestApp({ db: { url: db.url }, demo: { inbox: true } });
});
after(async () => {
  await t.close();
  await db.drop();
});

test('When a demo tenant is paid, then its order.paid arrives in the built-in inbox with a valid signature', async () => {
  const provider = await givenWechatProvider(t, rsaPems());
  const tenant = await givenWechatTenant(t, provider);
  // The example files name the tenant by sub_mchid (its id does not exist before it is created).
  await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}`)
    .set('Authorization', `Bearer ${t.config.security.adminToken}`)
    .send({ webhook_url: `${t.baseUrl}/demo/inbox/${tenant.subMchid}` })
    .expect(200);
  const body = orderBody(tenant);
  const created = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(created.status, 201);
  await simulatorOf(t).pay({ prepay_id: created.body.order.prepay_id });
  await t.app.container.resolve(EventDispatcher).runOnce();

  const inbox = await request(t.http).get('/demo/inbox');
  assert.equal(inbox.status, 200);
  const got = inbox.body.data.filter((e: { tenant_id: string }) => e.tenant_id === tenant.id);
  assert.equal(got.length, 1, JSON.stringify(inbox.body));
  assert.equal(got[0].type, 'order.paid');
  assert.equal(got[0].signature_valid, true);
  assert.match(got[0].event_id, /^evt_/);
  assert.equal(got[0].data.order.out_trade_no, body.out_trade_no);
  const byId = await request(t.http).get(`/demo/inbox/${tenant.id}`);
  assert.deepEqual(byId.body.data, got);
  const events = await request(t.http)
    .get('/v1/events')
    .set(...tenant.auth);
  assert.equal(events.body.data[0].delivery.status, 'delivered');

  // A forger without the webhook secret is refused, as a tenant's own receiver would refuse it.
  const forged = JSON.stringify({ id: 'evt_forged', type: 'order.paid', data: {} });
  const refused = await request(t.baseUrl)
    .post(`/demo/inbox/${tenant.subMchid}`)
    .set('Content-Type', 'application/json')
    .set('Partnerpay-Signature', webhookSignatureHeader(['whsec_guessed'], Math.floor(Date.now() / 1000), forged))
    .send(forged);
  assert.equal(refused.status, 400);
  const after = await request(t.http).get(`/demo/inbox/${tenant.subMchid}`);
  assert.equal(after.body.data[0].event_id, 'evt_forged');
  assert.equal(after.body.data[0].signature_valid, false);
  assert.equal((await request(t.baseUrl).post('/demo/inbox/1999999999').send('{}')).status, 404);
});

test('When the profile is production, then the inbox is refused by config and not mounted', async () => {
  assert.throws(
    () =>
      loadConfig(
        { PARTNERPAY_ADMIN_TOKEN: 'x'.repeat(32), PARTNERPAY_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') },
        {
          profile: 'production',
          server: { publicBaseUrl: 'https://pp.example.com' },
          db: { url: 'sqlite::memory:' },
          demo: { inbox: true },
        },
      ),
    (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('demo.inbox')),
  );
  assert.equal(loadConfig({}, { profile: 'default' }).demo.inbox, true, 'the demo profile has it');
  const prod = await startTestApp({
    profile: 'production',
    server: { publicBaseUrl: 'https://pp.example.com' },
    security: { adminToken: 'p'.repeat(32), masterKey: Buffer.alloc(32, 2).toString('base64') },
  });
  try {
    assert.equal(prod.config.demo.inbox, false);
    assert.equal((await request(prod.http).get('/demo/inbox')).status, 404);
    assert.equal(
      (await request(prod.baseUrl).post('/demo/inbox/1900000109').set('Content-Type', 'application/json').send('{}')).status,
      404,
    );
    assert.equal((await request(prod.http).get('/readyz')).status, 200);
  } finally {
    await prod.close();
  }
});
