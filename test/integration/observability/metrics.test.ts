import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { rsaPems } from '../../support/tenancy';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { postNotification, wireNotification } from '../../support/notifications';
import { sample, scrape } from '../../support/metrics';
import { EventDispatcher } from '../../../src/modules/events/dispatcher';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

// The dispatcher and the backlog gauge read the whole outbox, so this file has a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>>;
let t: TestApp;
let ok: WebhookReceiver;
let down: WebhookReceiver;
let provider: Provider;

before(async () => {
  db = await isolatedDatabase();
  ok = await new WebhookReceiver().start();
  down = await new WebhookReceiver().start();
  down.reply = (res) => res.writeHead(500).end('down for maintenance');
  t = await startTestApp({ db: { url: db.url }, metrics: { token: METRICS_TOKEN, backlogCacheMs: 0 } });
  provider = await givenWechatProvider(t, rsaPems());
});
after(async () => {
  await ok.stop();
  await down.stop();
  await t.close();
  await db.drop();
});

async function payOrder(tenant: Tenant): Promise<Record<string, unknown>> {
  const body = orderBody(tenant);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
  return body;
}

test('When a scripted flow runs, then /metrics counts orders, paid orders, notifications by outcome and check, keys, WeChat Pay calls, deliveries and the backlog', async () => {
  const happy = await givenWechatTenant(t, provider, { webhookUrl: ok.url });
  const broken = await givenWechatTenant(t, provider, { webhookUrl: down.url });
  const before = await scrape(t);
  const sp = provider.spMchid;
  const A = { sp_mchid: sp, tenant_id: happy.id };
  const B = { sp_mchid: sp, tenant_id: broken.id };
  assert.equal(sample(before, 'partnerpay_orders_created_total', A), 0);

  const bodyA = await payOrder(happy);
  const outA = bodyA.out_trade_no as string;
  const outB = (await payOrder(broken)).out_trade_no as string;
  // The same body again answers the existing order (200): not a new order.
  const again = await request(t.http)
    .post('/v1/orders')
    .set(...happy.auth)
    .send(bodyA);
  assert.equal(again.status, 200);
  const n = wireNotification(t, provider, 'TRANSACTION.SUCCESS', { out_trade_no: outA }, { tamper: { badSignature: true } });
  const refused = await postNotification(t, happy.id, 'transactions', n);
  assert.equal(refused.status, 401);
  const unknownPath = await postNotification(t, 'ten_made_up_by_a_scanner', 'transactions', n);
  assert.equal(unknownPath.status, 404);
  await t.app.container.resolve(EventDispatcher).runOnce();

  const m = await scrape(t);
  assert.equal(sample(m, 'partnerpay_orders_created_total', A), 1);
  assert.equal(sample(m, 'partnerpay_orders_created_total', B), 1);
  assert.equal(sample(m, 'partnerpay_orders_paid_total', A), 1);
  assert.equal(sample(m, 'partnerpay_orders_paid_total', B), 1);
  // Each order is counted under its payment mode (a mini-program order is JSAPI).
  assert.equal(sample(m, 'partnerpay_orders_created_total', { ...A, trade_type: 'JSAPI' }), 1);
  assert.equal(sample(m, 'partnerpay_orders_paid_total', { ...A, trade_type: 'JSAPI' }), 1);
  assert.equal(sample(m, 'partnerpay_orders_paid_total', { ...A, trade_type: 'MICROPAY' }), 0);
  assert.equal(sample(m, 'partnerpay_notifications_received_total', { ...A, kind: 'transactions', outcome: 'applied', check: 'none' }), 1);
  assert.equal(sample(m, 'partnerpay_notifications_received_total', { ...A, outcome: 'refused', check: 'signature' }), 1);
  // A path nobody owns is counted, but its made-up id never becomes a label value.
  assert.equal(sample(m, 'partnerpay_notifications_received_total', { tenant_id: 'unknown', check: 'tenant_unknown' }), 1);
  assert.ok(!m.includes('ten_made_up_by_a_scanner'));
  assert.equal(sample(m, 'partnerpay_notification_delay_seconds_count', { ...A, kind: 'transactions' }), 1);
  assert.ok(sample(m, 'partnerpay_wxpay_verifications_total', { sp_mchid: sp, key: 'public_key', result: 'ok' }) >= 4);
  assert.equal(sample(m, 'partnerpay_wxpay_verifications_total', { sp_mchid: sp, key: 'public_key', result: 'bad_signature' }), 1);
  const jsapi = { sp_mchid: sp, endpoint: '/v3/pay/partner/transactions/jsapi', result: 'ok' };
  assert.equal(sample(m, 'partnerpay_wxpay_requests_total', jsapi), 2);
  assert.equal(sample(m, 'partnerpay_wxpay_request_duration_seconds_count', jsapi), 2);
  assert.equal(sample(m, 'partnerpay_event_deliveries_total', { ...A, result: 'delivered' }), 1);
  assert.equal(sample(m, 'partnerpay_event_deliveries_total', { ...B, result: 'retry' }), 1);
  assert.equal(sample(m, 'partnerpay_event_delivery_delay_seconds_count', { ...B, result: 'retry' }), 1);
  assert.equal(sample(m, 'partnerpay_outbox_backlog', B), 1, 'the failed delivery waits for its retry');
  assert.equal(sample(m, 'partnerpay_outbox_backlog', A), 0);
  // Default process and event-loop metrics, in this app's own registry.
  assert.ok(m.includes('partnerpay_process_cpu_user_seconds_total'));
  assert.ok(m.includes('partnerpay_nodejs_eventloop_lag_seconds'));
  // Bounded labels: no order number, openid or URL in any series.
  for (const secret of [outA, outB, 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', ok.url, down.url]) assert.ok(!m.includes(secret), secret);
});

test('When /metrics is called, then only the metrics token or an operator token is accepted', async () => {
  const tenant = await givenWechatTenant(t, provider);
  assert.equal((await request(t.http).get('/metrics')).status, 401);
  assert.equal((await request(t.http).get('/metrics').set('Authorization', 'Bearer not-the-metrics-token-000')).status, 401);
  assert.equal(
    (
      await request(t.http)
        .get('/metrics')
        .set(...tenant.auth)
    ).status,
    401,
    'a tenant key is not a monitoring credential',
  );
  const viewer = await request(t.http)
    .post('/admin/v1/operators')
    .set('Authorization', `Bearer ${t.config.security.adminToken}`)
    .send({ name: 'Grafana', role: 'viewer' });
  assert.equal(viewer.status, 201);
  for (const token of [METRICS_TOKEN, t.config.security.adminToken, viewer.body.token as string]) {
    const res = await request(t.http).get('/metrics').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(res.text, /# TYPE partnerpay_orders_created_total counter/);
  }
});
