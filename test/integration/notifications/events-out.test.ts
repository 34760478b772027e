import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { rsaPems } from '../../support/tenancy';
import { WebhookReceiver, type ReceivedWebhook } from '../../support/webhook-receiver';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { eventRows, loggedFor } from '../../support/notifications';
import { EventDispatcher } from '../../../src/modules/events/dispatcher';

// The dispatcher and the reconciler scan whole tables, so this file has a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>>;
let t: TestApp;
let receiver: WebhookReceiver;
let provider: Provider;

before(async () => {
  db = await isolatedDatabase();
  receiver = await new WebhookReceiver().start();
  t = await startTestApp({ db: { url: db.url }, orders: { reconcileAfterSeconds: 0 } });
  provider = await givenWechatProvider(t, rsaPems());
});
after(async () => {
  await receiver.stop();
  await t.close();
  await db.drop();
});

/** The sub-merchant's side, with node:crypto only: does `secret` sign this hook, within 5 minutes? */
function independentlyVerified(hook: ReceivedWebhook, secret: string): boolean {
  const parts = String(hook.headers['partnerpay-signature'])
    .split(',')
    .map((kv) => kv.split('='));
  const ts = parts.find(([k]) => k === 't')?.[1] ?? '';
  if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${ts}.${hook.body}`).digest();
  return parts.filter(([k]) => k === 'v1').some(([, v]) => v.length === 64 && timingSafeEqual(Buffer.from(v, 'hex'), expected));
}

const dispatcher = () => t.app.container.resolve(EventDispatcher);
const hooksFor = (outNo: string) => receiver.received.filter((h) => h.body.includes(outNo));

async function placeOrder(tenant: Tenant): Promise<{ outTradeNo: string; prepayId: string }> {
  const body = orderBody(tenant);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { outTradeNo: body.out_trade_no as string, prepayId: res.body.order.prepay_id };
}

test('When a buyer pays, then the tenant webhook receives order.paid signed so that an independent HMAC check accepts it', async () => {
  const tenant = await givenWechatTenant(t, provider, { webhookUrl: receiver.url });
  const o = await placeOrder(tenant);
  await simulatorOf(t).pay({ prepay_id: o.prepayId });
  await dispatcher().runOnce();

  const [hook, ...more] = hooksFor(o.outTradeNo);
  assert.ok(hook, 'the webhook was called');
  assert.equal(more.length, 0);
  const event = JSON.parse(hook.body);
  assert.equal(event.type, 'order.paid');
  assert.match(event.id, /^evt_/);
  assert.equal(hook.headers['partnerpay-event-id'], event.id);
  assert.equal(event.data.order.out_trade_no, o.outTradeNo);
  assert.equal(event.data.order.trade_state, 'SUCCESS');
  assert.deepEqual(event.data.order.amount, { total: 100, currency: 'CNY', payer_total: 100 });
  assert.equal(independentlyVerified(hook, tenant.webhookSecret), true);
  assert.equal(independentlyVerified(hook, 'whsec_not_this_tenants'), false);
  assert.equal(independentlyVerified({ ...hook, body: hook.body.replace('"total":100', '"total":1') }, tenant.webhookSecret), false);
  const [row] = await eventRows(t, tenant.id, 'order.paid');
  assert.equal(row.id, event.id);
  assert.equal(row.payload, hook.body, 'the stored bytes are the delivered bytes');
});

test('When the reconciler marks an order paid before TRANSACTION.SUCCESS arrives, then the late notification is a no-op and the tenant hears of the payment once', async () => {
  const tenant = await givenWechatTenant(t, provider, { webhookUrl: receiver.url });
  const o = await placeOrder(tenant);
  const sim = simulatorOf(t);
  sim.fault({ kind: 'delay_notifications', delay_ms: 120_000 });
  await sim.pay({ prepay_id: o.prepayId });

  const reconciler = t.app.modules.find((f) => f.name === 'payments')!.jobs!(t.app.container).find((j) => j.name === 'orders.reconcile')!;
  await reconciler.run();
  const read = await request(t.http)
    .get(`/v1/orders/${o.outTradeNo}`)
    .set(...tenant.auth);
  assert.equal(read.body.order.trade_state, 'SUCCESS');
  await dispatcher().runOnce();
  assert.equal(hooksFor(o.outTradeNo).length, 1);

  await sim.advance(120_000);
  const late = sim.deliveries().filter((d) => d.url.includes(`/notify/${tenant.id}/`));
  assert.deepEqual(
    late.map((d) => d.status),
    [200],
  );
  assert.deepEqual(
    (await loggedFor(t, tenant.id, late[0].event_id)).map((n) => n.outcome),
    ['duplicate'],
  );
  const again = await request(t.http)
    .get(`/v1/orders/${o.outTradeNo}`)
    .set(...tenant.auth);
  assert.deepEqual(again.body.order, read.body.order);
  await dispatcher().runOnce();
  assert.equal(hooksFor(o.outTradeNo).length, 1, 'no second order.paid');
  assert.equal((await eventRows(t, tenant.id, 'order.paid')).length, 1);
});
