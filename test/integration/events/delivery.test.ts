import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import request from 'supertest';
import { startEventsHarness, type EventsHarness } from './harness';
import type { ReceivedWebhook } from '../../support/webhook-receiver';
import { RETRY_SCHEDULE_MS } from '../../../src/modules/events/retry-schedule';
import { EventDispatcher } from '../../../src/modules/events/dispatcher';
import { EventRepository } from '../../../src/modules/events/event.repository';
import { WebhookSender } from '../../../src/modules/events/webhook-sender';
import { TOKENS } from '../../../src/platform/tokens';
import type { Logger } from '../../../src/platform/logging/logger';

let h: EventsHarness;
before(async () => {
  h = await startEventsHarness();
});
after(async () => h.close());

/** The tenant's side, written with node:crypto only: every v1 in the header and whether `secret` signed it. */
function independentlyVerified(hook: ReceivedWebhook, secret: string, nowMs: number): boolean {
  const header = String(hook.headers['partnerpay-signature']);
  const items = header.split(',').map((kv) => kv.split('='));
  const t = items.find(([k]) => k === 't')?.[1] ?? '';
  if (Math.abs(nowMs / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${hook.body}`).digest();
  return items.filter(([k]) => k === 'v1').some(([, v]) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
}

const admin = () => ({ Authorization: `Bearer ${h.adminToken}` });
const reply500 = (res: import('node:http').ServerResponse) => res.writeHead(500).end('{"error":"boom"}');
const replyOk = (res: import('node:http').ServerResponse) => res.writeHead(204).end();

test('When an event is recorded, then the dispatcher POSTs the stored bytes, signed so that an independent HMAC check accepts it', async () => {
  const { tenant, webhookSecret } = h.tenants.add(h.receiver.url);
  const id = await h.record(tenant.id, 'order.paid', { out_trade_no: 'T100', amount: { total: 100, currency: 'CNY' } });
  const stored = String((await h.row(id)).payload);

  await h.dispatcher.runOnce();

  const [hook, ...more] = h.receiver.for(id);
  assert.equal(more.length, 0);
  assert.equal(hook.body, stored);
  assert.deepEqual(JSON.parse(hook.body), {
    id,
    type: 'order.paid',
    created_at: '2026-11-26T10:00:00+08:00',
    data: { out_trade_no: 'T100', amount: { total: 100, currency: 'CNY' } },
  });
  assert.equal(hook.headers['content-type'], 'application/json');
  assert.match(String(hook.headers['user-agent']), /^partnerpay\//);
  assert.equal(hook.headers['partnerpay-event-id'], id);
  assert.match(String(hook.headers['partnerpay-signature']), /^t=\d{10},v1=[0-9a-f]{64}$/);
  assert.equal(independentlyVerified(hook, webhookSecret, h.clock.now()), true);
  assert.equal(independentlyVerified(hook, 'whsec_someone_else', h.clock.now()), false);
  assert.equal(independentlyVerified({ ...hook, body: hook.body.replace('100', '1') }, webhookSecret, h.clock.now()), false);

  const row = await h.row(id);
  assert.equal(row.status, 'delivered');
  assert.equal(Number(row.attempts), 1);
  assert.equal(Number(row.last_status), 200);
  assert.equal(Number(row.delivered_at), h.clock.now());
  // Nothing is due any more.
  assert.equal(await h.dispatcher.runOnce(), 0);
});

test('When the tenant rotates its webhook secret, then the header carries one v1 per active secret, newest first', async () => {
  const { tenant, webhookSecret: old } = h.tenants.add(h.receiver.url);
  const fresh = h.tenants.rotateWebhookSecret(tenant.id);
  const id = await h.record(tenant.id);
  await h.dispatcher.runOnce();
  const [hook] = h.receiver.for(id);
  const v1s = String(hook.headers['partnerpay-signature'])
    .split(',')
    .filter((p) => p.startsWith('v1='));
  assert.equal(v1s.length, 2);
  assert.equal(independentlyVerified(hook, old, h.clock.now()), true);
  assert.equal(independentlyVerified(hook, fresh, h.clock.now()), true);
  const t = /t=(\d+)/.exec(String(hook.headers['partnerpay-signature']))![1];
  assert.equal(v1s[0], `v1=${createHmac('sha256', fresh).update(`${t}.${hook.body}`).digest('hex')}`);
});

test('When the webhook answers 500, then it is retried on the schedule as time passes, every attempt logged, and delivered once it recovers', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  h.receiver.reply = reply500;
  try {
    const id = await h.record(tenant.id);
    await h.dispatcher.runOnce(); // attempt 1 fails
    h.clock.advance(RETRY_SCHEDULE_MS[0] - 1000);
    await h.dispatcher.runOnce(); // not due yet
    assert.equal(h.receiver.for(id).length, 1);
    h.clock.advance(1000);
    await h.dispatcher.runOnce(); // attempt 2 fails
    assert.equal(h.receiver.for(id).length, 2);
    let row = await h.row(id);
    assert.equal(row.status, 'pending');
    assert.equal(Number(row.next_attempt_at), h.clock.now() + RETRY_SCHEDULE_MS[1]);

    h.receiver.reply = replyOk;
    h.clock.advance(RETRY_SCHEDULE_MS[1]);
    await h.dispatcher.runOnce(); // attempt 3 succeeds
    row = await h.row(id);
    assert.equal(row.status, 'delivered');
    assert.equal(h.receiver.for(id).length, 3);
    // Every attempt sent the same bytes.
    assert.equal(new Set(h.receiver.for(id).map((x) => x.body)).size, 1);

    const res = await request(h.t.http).get(`/admin/v1/events/${id}`).set(admin());
    assert.equal(res.status, 200);
    const attempts = res.body.event.delivery_attempts;
    assert.deepEqual(
      attempts.map((a: { attempt: number; http_status: number | null }) => [a.attempt, a.http_status]),
      [
        [1, 500],
        [2, 500],
        [3, 204],
      ],
    );
    assert.equal(attempts[0].response_snippet, '{"error":"boom"}');
    assert.equal(attempts[0].error, 'HTTP 500');
    assert.equal(attempts[0].url, h.receiver.url);
    assert.equal(typeof attempts[0].duration_ms, 'number');
    assert.equal(res.body.event.delivery.status, 'delivered');
  } finally {
    h.receiver.reply = replyOk;
  }
});

test('When the webhook is down (connection refused), then attempts fail and it is delivered once the server is back', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  await h.receiver.stop();
  let id: string;
  try {
    id = await h.record(tenant.id);
    await h.dispatcher.runOnce();
    const row = await h.row(id);
    assert.equal(row.status, 'pending');
    assert.equal(row.last_status, null);
    // A keep-alive socket to the stopped server may fail as "other side closed" before a new connect is refused.
    assert.match(String(row.last_error), /ECONNREFUSED|other side closed/);
  } finally {
    await h.receiver.start();
  }
  h.clock.advance(RETRY_SCHEDULE_MS[0]);
  await h.dispatcher.runOnce();
  assert.equal((await h.row(id)).status, 'delivered');
  assert.equal(h.receiver.for(id).length, 1);
});

test('When every attempt of the schedule fails, then the event is failed; an operator redelivers it and it is delivered', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  h.receiver.reply = reply500;
  let id: string;
  try {
    id = await h.record(tenant.id);
    await h.dispatcher.runOnce();
    for (const wait of RETRY_SCHEDULE_MS) {
      h.clock.advance(wait);
      await h.dispatcher.runOnce();
    }
    assert.equal(h.receiver.for(id).length, 1 + RETRY_SCHEDULE_MS.length);
    const row = await h.row(id);
    assert.equal(row.status, 'failed');
    assert.equal(Number(row.attempts), 16);
    // About 24 hours in all, as WeChat Pay's own schedule.
    assert.equal(
      RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0),
      (24 * 60 + 4) * 60_000,
    );
    h.clock.advance(7 * 24 * 3600_000);
    assert.equal(await h.dispatcher.runOnce(), 0, 'a failed event is not retried by itself');
  } finally {
    h.receiver.reply = replyOk;
  }

  const viewer = await request(h.t.http).post(`/admin/v1/events/${id}/redeliver`);
  assert.equal(viewer.status, 401);
  const first = await request(h.t.http).post(`/admin/v1/events/${id}/redeliver`).set(admin());
  assert.equal(first.status, 202);
  assert.equal(first.body.event.delivery.status, 'pending');
  const again = await request(h.t.http).post(`/admin/v1/events/${id}/redeliver`).set(admin());
  assert.equal(again.status, 202);
  await h.dispatcher.runOnce();
  assert.equal(h.receiver.for(id).length, 17, 'two redeliver calls queue it once');
  const row = await h.row(id);
  assert.equal(row.status, 'delivered');
  assert.equal(Number(row.attempts), 17);

  // A delivered event can be sent again on request, with the same id and bytes.
  assert.equal((await request(h.t.http).post(`/admin/v1/events/${id}/redeliver`).set(admin())).status, 202);
  await h.dispatcher.runOnce();
  const hooks = h.receiver.for(id);
  assert.equal(hooks.length, 18);
  assert.equal(hooks[17].body, hooks[0].body);
  assert.equal((await request(h.t.http).post('/admin/v1/events/evt_nope/redeliver').set(admin())).status, 404);
  // Every redeliver is audited: who, which event, the status before and after.
  const audit = await request(h.t.http).get(`/admin/v1/audit-log?action=event.redeliver&target=${id}`).set(admin());
  assert.equal(audit.status, 200);
  assert.equal(audit.body.data.length, 3, JSON.stringify(audit.body));
  assert.equal(audit.body.data[0].after.status, 'pending');
  assert.equal(audit.body.data[0].before.status, 'delivered');
});

test('When a process claims an event and dies before delivering it, then another run delivers it once the lease expires', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  const id = await h.record(tenant.id);
  const claimed = await h.dispatcher.claim(50);
  assert.ok(claimed.some((e) => e.id === id));
  // ...the process is killed here: nothing delivered, nothing settled.
  assert.equal((await h.row(id)).status, 'delivering');
  await h.dispatcher.runOnce();
  assert.equal(h.receiver.for(id).length, 0, 'the lease keeps others off while it may still be in flight');
  h.clock.advance(h.dispatcher.leaseMs);
  await h.dispatcher.runOnce();
  assert.equal(h.receiver.for(id).length, 1);
  const row = await h.row(id);
  assert.equal(row.status, 'delivered');
  assert.equal(Number(row.attempts), 2);
});

test("When a tenant's webhook URL changes, then the event goes to the URL its own tenant has at delivery time", async () => {
  const a = h.tenants.add(`${h.receiver.url}/a`);
  const b = h.tenants.add(`${h.receiver.url}/b`);
  const idA = await h.record(a.tenant.id);
  const idB = await h.record(b.tenant.id);
  h.tenants.setWebhookUrl(a.tenant.id, `${h.receiver.url}/a2`);
  await h.dispatcher.runOnce();
  assert.deepEqual(
    h.receiver.for(idA).map((x) => x.path),
    ['/hooks/partnerpay/a2'],
  );
  assert.deepEqual(
    h.receiver.for(idB).map((x) => x.path),
    ['/hooks/partnerpay/b'],
  );
  assert.equal(independentlyVerified(h.receiver.for(idA)[0], b.webhookSecret, h.clock.now()), false);
});

test('When the webhook answers a redirect, then it is not followed and the attempt counts as failed', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  h.receiver.reply = (res, hook) =>
    hook.path.endsWith('/moved') ? res.writeHead(200).end() : res.writeHead(302, { location: `${h.receiver.url}/moved` }).end();
  try {
    const id = await h.record(tenant.id);
    await h.dispatcher.runOnce();
    assert.deepEqual(
      h.receiver.for(id).map((x) => x.path),
      ['/hooks/partnerpay'],
    );
    const row = await h.row(id);
    assert.equal(row.status, 'pending');
    assert.equal(Number(row.last_status), 302);
  } finally {
    h.receiver.reply = replyOk;
  }
});

test('When the tenant has no webhook_url, then the event is kept undeliverable with no attempt, and delivered once a URL is set', async () => {
  const { tenant } = h.tenants.add(null);
  const id = await h.record(tenant.id);
  for (let i = 0; i < 3; i++) {
    await h.dispatcher.runOnce();
    h.clock.advance(RETRY_SCHEDULE_MS[i]);
  }
  const row = await h.row(id);
  assert.equal(row.status, 'undeliverable');
  assert.equal(Number(row.attempts), 0, 'no attempt is counted');
  assert.equal(row.last_error, null);
  const view = await request(h.t.http).get(`/admin/v1/events/${id}`).set(admin());
  assert.equal(view.body.event.delivery.status, 'undeliverable');
  assert.deepEqual(view.body.event.delivery_attempts, [], 'no attempt was made');
  h.clock.advance(86_400_000 * 2);
  await h.dispatcher.runOnce();
  assert.equal((await h.row(id)).status, 'undeliverable', 'still kept after the retry window');

  h.tenants.setWebhookUrl(tenant.id, h.receiver.url);
  await h.dispatcher.runOnce();
  assert.equal((await h.row(id)).status, 'delivered');
  assert.equal(h.receiver.for(id).length, 1);
});

test('When a burst of 500 events is due, then one dispatcher run delivers every one of them (no cap of 10 batches per tick)', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  const ids: string[] = [];
  for (let i = 0; i < 500; i += 50)
    ids.push(
      ...(await Promise.all(Array.from({ length: 50 }, (_, j) => h.record(tenant.id, 'order.paid', { out_trade_no: `BURST${i + j}` })))),
    );
  // The app's dispatcher stops claiming after one job interval (5 s), which a loaded CI machine can spend on fewer
  // than 500 deliveries: this one has a bound no machine reaches, so what is tested is the absence of a batch cap.
  const c = h.t.app.container;
  const unbounded = new EventDispatcher(
    c.resolve(EventRepository),
    h.clock,
    () => h.tenants,
    c.resolve(WebhookSender),
    c.resolve<Logger>(TOKENS.Logger),
    {
      maxRunMs: 600_000,
    },
  );
  await unbounded.runOnce();
  const undelivered = ids.filter((id) => h.receiver.for(id).length !== 1);
  assert.deepEqual(undelivered.length, 0, `${undelivered.length} of 500 not delivered exactly once in one run`);
});
