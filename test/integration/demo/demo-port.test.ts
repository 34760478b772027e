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
import { EventDispatcher } from '../../../src/modules/events/dispatcher';
import { movedDemoInboxUrl } from '../../../src/surfaces/demo/demo.module';

// Issue 30 item 15: `npm start` (port A), then `PORT=4001 npm start` (port B) over one database: the demo
// tenants' webhooks follow the demo inbox to port B; an operator's own URL is never rewritten.
const state = mkdtempSync(join(tmpdir(), 'pp-demo-port-'));
let db: { url: string; drop(): Promise<void> };
// Every test app listens on a port of its own: two starts are two ports.
const start = () =>
  startTestApp({ db: { url: db.url, migrateOnStart: false }, seedDemo: true, demo: { inbox: true }, simulator: { stateDir: state } });
const admin = (t: TestApp) => ['Authorization', `Bearer ${t.config.security.adminToken}`] as const;

before(async () => {
  // The dispatcher scans the whole outbox and the demo's sub_mchids are fixed: a database of its own.
  db =
    dialectOf(testDatabaseUrl()) === 'mysql'
      ? await isolatedDatabase()
      : { url: `sqlite:${join(state, 'db.sqlite')}`, drop: async () => {} };
});
after(async () => {
  await db.drop();
  rmSync(state, { recursive: true, force: true });
});

async function tenants(t: TestApp): Promise<Array<{ id: string; sub_mchid: string; webhook_url: string | null }>> {
  return (
    await request(t.http)
      .get('/admin/v1/tenants')
      .set(...admin(t))
  ).body.data;
}

test('When the demo starts again on another port, then the demo tenants webhooks follow the inbox there and a payment reaches /demo/inbox; an operator URL stays', async () => {
  const operatorUrl = 'https://shop.example.com/demo/inbox/1900000110';
  let t = await start();
  const firstBase = t.config.server.publicBaseUrl;
  try {
    const seeded = await tenants(t);
    assert.equal(seeded.find((x) => x.sub_mchid === '1900000109')!.webhook_url, `${firstBase}/demo/inbox/1900000109`);
    const lakeside = seeded.find((x) => x.sub_mchid === '1900000110')!;
    await request(t.http)
      .patch(`/admin/v1/tenants/${lakeside.id}`)
      .set(...admin(t))
      .send({ webhook_url: operatorUrl })
      .expect(200);
  } finally {
    await t.close();
  }

  t = await start();
  try {
    const base = t.config.server.publicBaseUrl;
    assert.notEqual(base, firstBase, 'the second start listens on another port');
    const now = await tenants(t);
    const tengda = now.find((x) => x.sub_mchid === '1900000109')!;
    assert.equal(tengda.webhook_url, `${base}/demo/inbox/1900000109`);
    assert.equal(now.find((x) => x.sub_mchid === '1900000110')!.webhook_url, operatorUrl, "an operator's URL is never rewritten");
    const log = await request(t.http)
      .get(`/admin/v1/audit-log?target=tenant:${tengda.id}&limit=20`)
      .set(...admin(t));
    assert.ok(
      log.body.data.some((e: { actor: string; after: { webhook_url?: string } | null }) => e.after?.webhook_url === tengda.webhook_url),
    );

    // The demo's first payment after the move arrives in the inbox of this port.
    const key = await request(t.http)
      .post(`/admin/v1/tenants/${tengda.id}/secret-keys`)
      .set(...admin(t));
    assert.equal(key.status, 201, JSON.stringify(key.body));
    const out_trade_no = `PORT${Date.now()}`;
    const order = await request(t.http)
      .post('/v1/orders')
      .set('Authorization', `Bearer ${key.body.secret_key}`)
      .send({
        appid: 'wxd678efh567hg6787',
        out_trade_no,
        description: 'x',
        amount: { total: 100, currency: 'CNY' },
        payer: { openid: 'oPort' },
      });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    await simulatorOf(t).pay({ prepay_id: order.body.order.prepay_id });
    await t.app.container.resolve(EventDispatcher).runOnce();
    const inbox = await request(t.http).get('/demo/inbox/1900000109');
    const paid = inbox.body.data.find(
      (e: { type: string; data: { order?: { out_trade_no: string } } }) => e.data.order?.out_trade_no === out_trade_no,
    );
    assert.equal(paid?.type, 'order.paid', JSON.stringify(inbox.body));
    assert.equal(paid.signature_valid, true);
  } finally {
    await t.close();
  }
});

test('When a webhook URL is only the demo inbox of this machine at another port, then it is the one rewritten', () => {
  const base = 'http://127.0.0.1:4001';
  assert.equal(movedDemoInboxUrl('http://127.0.0.1:3000/demo/inbox/1900000109', base), `${base}/demo/inbox/1900000109`);
  assert.equal(movedDemoInboxUrl('http://localhost:3000/demo/inbox/x', base), `${base}/demo/inbox/x`);
  for (const kept of [
    null,
    `${base}/demo/inbox/1900000109`, // already here
    'http://127.0.0.1:3000/my-receiver', // an operator's receiver on this machine
    'https://shop.example.com/demo/inbox/1', // another machine
    'http://127.0.0.1:3000/demo/inbox/1?to=x', // not the inbox's own shape
    'http://127.0.0.1:3000/demo/inboxes/1',
    'not a url',
  ])
    assert.equal(movedDemoInboxUrl(kept, base), undefined, String(kept));
});
