import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startEventsHarness, type EventsHarness } from './harness';

let h: EventsHarness;
let a: ReturnType<EventsHarness['tenants']['add']>;
let b: ReturnType<EventsHarness['tenants']['add']>;
const idsA: string[] = [];
let idB: string;

before(async () => {
  h = await startEventsHarness();
  a = h.tenants.add(h.receiver.url, 'Tenant A');
  b = h.tenants.add(h.receiver.url, 'Tenant B');
  for (const type of ['order.paid', 'order.closed', 'refund.succeeded', 'order.paid', 'order.paid'] as const) {
    idsA.push(await h.record(a.tenant.id, type, { out_trade_no: `A-${idsA.length}` }));
    h.clock.advance(1000);
  }
  idB = await h.record(b.tenant.id, 'order.paid', { out_trade_no: 'B-0' });
});
after(async () => h.close());

const asTenant = (t: { secretKey: string }) => ({ Authorization: `Bearer ${t.secretKey}` });
const admin = () => ({ Authorization: `Bearer ${h.adminToken}` });

test('When a tenant lists its events, then it sees only its own, newest first, with delivery status', async () => {
  const res = await request(h.t.http).get('/v1/events').set(asTenant(a));
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.body.data.map((e: { id: string }) => e.id),
    [...idsA].reverse(),
  );
  assert.equal(res.body.next_cursor, null);
  const newest = res.body.data[0];
  assert.deepEqual(Object.keys(newest).sort(), ['created_at', 'data', 'delivery', 'id', 'type']);
  assert.deepEqual(newest.data, { out_trade_no: 'A-4' });
  assert.equal(newest.delivery.status, 'pending');
  assert.equal(newest.delivery.attempts, 0);
  assert.match(newest.created_at, /\+08:00$/);

  const other = await request(h.t.http).get('/v1/events').set(asTenant(b));
  assert.deepEqual(
    other.body.data.map((e: { id: string }) => e.id),
    [idB],
  );
});

test('When a tenant pages with limit and cursor, then the pages cover every event once; type filters', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await request(h.t.http)
      .get('/v1/events')
      .query(cursor ? { limit: 2, cursor } : { limit: 2 })
      .set(asTenant(a));
    assert.equal(res.status, 200);
    assert.ok(res.body.data.length <= 2);
    seen.push(...res.body.data.map((e: { id: string }) => e.id));
    cursor = res.body.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, [...idsA].reverse());

  const paid = await request(h.t.http).get('/v1/events?type=order.paid').set(asTenant(a));
  assert.deepEqual(
    paid.body.data.map((e: { id: string }) => e.id),
    [idsA[4], idsA[3], idsA[0]],
  );
});

test('When the tenant API is called without a valid key or with bad parameters, then 401 / 400 naming the field', async () => {
  assert.equal((await request(h.t.http).get('/v1/events')).status, 401);
  assert.equal((await request(h.t.http).get('/v1/events').set({ Authorization: 'Bearer sk_wrong' })).status, 401);
  const bad = await request(h.t.http).get('/v1/events?limit=1000&type=order.exploded').set(asTenant(a));
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.detail.fields.map((f: { field: string }) => f.field).sort(), ['limit', 'type']);
  const cursor = await request(h.t.http).get('/v1/events?cursor=forged').set(asTenant(a));
  assert.equal(cursor.status, 400);
  assert.equal(cursor.body.detail.fields[0].field, 'cursor');
});

test('When an operator lists events, then filters by tenant, type, status and time range apply', async () => {
  assert.equal((await request(h.t.http).get('/admin/v1/events')).status, 401);
  assert.equal((await request(h.t.http).get('/admin/v1/events').set(asTenant(a))).status, 401);

  const all = await request(h.t.http).get('/admin/v1/events').set(admin());
  assert.equal(all.status, 200);
  assert.equal(all.body.data.length, 6);
  assert.equal(all.body.data[0].id, idB);
  assert.equal(all.body.data[0].tenant_id, b.tenant.id);

  const ofA = await request(h.t.http).get('/admin/v1/events').query({ tenant_id: a.tenant.id, type: 'order.paid' }).set(admin());
  assert.deepEqual(
    ofA.body.data.map((e: { id: string }) => e.id),
    [idsA[4], idsA[3], idsA[0]],
  );

  // Events were recorded at 10:00:00, :01, :02, :03, :04 (+08:00), then B's at :05.
  const window = await request(h.t.http)
    .get('/admin/v1/events')
    .query({ created_from: '2026-11-26T10:00:01+08:00', created_to: '2026-11-26T02:00:03Z' })
    .set(admin());
  assert.deepEqual(
    window.body.data.map((e: { id: string }) => e.id),
    [idsA[2], idsA[1]],
  );

  const badTime = await request(h.t.http).get('/admin/v1/events?created_from=yesterday').set(admin());
  assert.equal(badTime.status, 400);
  assert.equal(badTime.body.detail.fields[0].field, 'created_from');

  await h.dispatcher.runOnce();
  const delivered = await request(h.t.http).get('/admin/v1/events').query({ status: 'delivered', limit: 100 }).set(admin());
  assert.equal(delivered.body.data.length, 6);
  assert.equal((await request(h.t.http).get('/admin/v1/events?status=pending').set(admin())).body.data.length, 0);
});

test('When an operator opens one event, then it shows its tenant and delivery attempts; an unknown id is 404', async () => {
  await h.dispatcher.runOnce();
  const res = await request(h.t.http).get(`/admin/v1/events/${idB}`).set(admin());
  assert.equal(res.status, 200);
  assert.equal(res.body.event.id, idB);
  assert.equal(res.body.event.tenant_id, b.tenant.id);
  assert.equal(res.body.event.delivery.status, 'delivered');
  assert.equal(res.body.event.delivery_attempts.length, 1);
  assert.equal(res.body.event.delivery_attempts[0].http_status, 200);
  const missing = await request(h.t.http).get('/admin/v1/events/evt_missing').set(admin());
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'NOT_FOUND');
});

test('When /openapi.json is fetched, then the events routes are documented', async () => {
  const doc = (await request(h.t.http).get('/openapi.json')).body;
  assert.ok(doc.paths['/v1/events'].get);
  assert.ok(doc.paths['/admin/v1/events'].get);
  assert.ok(doc.paths['/admin/v1/events/{id}'].get);
  assert.ok(doc.paths['/admin/v1/events/{id}/redeliver'].post);
});

test('When many events share the same millisecond, then paging still returns each exactly once', async () => {
  const c = h.tenants.add(h.receiver.url);
  const ids = await Promise.all(Array.from({ length: 7 }, () => h.record(c.tenant.id)));
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await request(h.t.http)
      .get('/v1/events')
      .query(cursor ? { limit: 3, cursor } : { limit: 3 })
      .set(asTenant(c));
    seen.push(...res.body.data.map((e: { id: string }) => e.id));
    cursor = res.body.next_cursor;
  } while (cursor);
  assert.deepEqual([...seen].sort(), [...ids].sort());
  assert.equal(new Set(seen).size, 7);
});
