import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Tenant } from '../../support/payments';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { EventDispatcher } from '../../../src/modules/events/dispatcher';

// Issue 30 item 14: the dashboard counts deliveries that really failed; a tenant without
// webhook_url has undeliverable events, not failures.
let t: TestApp;
const receiver = new WebhookReceiver();
before(async () => {
  await receiver.start();
  receiver.reply = (res) => res.writeHead(500).end('{"error":"boom"}');
  t = await startTestApp({ security: { allowPrivateWebhooks: true } });
});
after(async () => {
  await t.close();
  await receiver.stop();
});

async function paidOrder(tenant: Tenant): Promise<void> {
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(orderBody(tenant));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
}

test('When deliveries to one tenant fail and another has no webhook_url, then the dashboard counts only the real failures', async () => {
  const provider = await givenWechatProvider(t, rsaPems());
  const failing = await givenWechatTenant(t, provider, { webhookUrl: receiver.url });
  const silent = await givenWechatTenant(t, provider, { webhookUrl: null });
  await paidOrder(failing);
  await paidOrder(silent);
  await t.app.container.resolve(EventDispatcher).runOnce();

  const dash = await request(t.http)
    .get('/admin/v1/dashboard')
    .set(...admin(t));
  assert.equal(dash.status, 200);
  const row = (id: string) => dash.body.tenants.find((x: { tenant_id: string }) => x.tenant_id === id);
  assert.equal(row(failing.id).deliveries_failed, 1, 'a delivery answered 500 and awaits its retry: a real failure');
  assert.equal(row(silent.id).deliveries_failed, 0);
  const events = await request(t.http)
    .get(`/admin/v1/events?tenant_id=${silent.id}`)
    .set(...admin(t));
  assert.deepEqual(
    events.body.data.map((e: { delivery: { status: string } }) => e.delivery.status),
    ['undeliverable'],
  );
});
