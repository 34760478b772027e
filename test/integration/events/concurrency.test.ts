import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEventsHarness, type EventsHarness } from './harness';
import { testDatabaseUrl } from '../../support/app';
import { TOKENS } from '../../../src/platform/tokens';
import { dialectOf, openDatabase, type Orm } from '../../../src/app/schema';
import type { Logger } from '../../../src/platform/logging/logger';
import { EventDispatcher } from '../../../src/modules/events/dispatcher';
import { EventRepository } from '../../../src/modules/events/event.repository';
import { Database } from '../../../src/platform/db/database';
import { WebhookSender } from '../../../src/modules/events/webhook-sender';

let h: EventsHarness;
let otherOrm: Orm | undefined;
let d2: EventDispatcher;
const sender2 = new WebhookSender({ allowPrivate: true, userAgent: 'partnerpay/test' });

before(async () => {
  h = await startEventsHarness();
  const url = h.t.config.db.url;
  // On MariaDB the second dispatcher is a second "process": its own ORM and connection pool.
  // An in-memory SQLite exists only inside one ORM, and SQLite runs one process anyway.
  const orm = dialectOf(url) === 'mysql' ? (otherOrm = await openDatabase(url, { migrate: false })) : h.orm;
  d2 = new EventDispatcher(
    new EventRepository(new Database(orm)),
    h.clock,
    () => h.tenants,
    sender2,
    h.t.app.container.resolve<Logger>(TOKENS.Logger),
    {
      batchSize: 3,
      maxRoundsPerRun: 1000,
    },
  );
  h.receiver.reply = (res) => setTimeout(() => res.writeHead(200).end(), 3);
});
after(async () => {
  await sender2.close();
  await otherOrm?.close(true);
  await h.close();
});

const d1 = () =>
  new EventDispatcher(
    new EventRepository(new Database(h.orm)),
    h.clock,
    () => h.tenants,
    h.t.app.container.resolve(WebhookSender),
    h.t.app.container.resolve<Logger>(TOKENS.Logger),
    { batchSize: 3, maxRoundsPerRun: 1000 },
  );

test(`When two dispatchers claim at the same moment, then they get disjoint events (${dialectOf(testDatabaseUrl()) === 'mysql' ? 'SELECT ... FOR UPDATE SKIP LOCKED' : 'guarded UPDATE'})`, async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  const ids = await Promise.all(Array.from({ length: 20 }, () => h.record(tenant.id)));
  const first = d1();
  const claimed: string[] = [];
  for (;;) {
    // Both read the same due rows; the lock (MariaDB) or the guard (SQLite) gives each to one of them.
    const [a, b] = await Promise.all([first.claim(15), d2.claim(15)]);
    if (a.length + b.length === 0) break;
    claimed.push(...a.map((e) => e.id), ...b.map((e) => e.id));
    await Promise.all([...a.map((e) => first.deliver(e)), ...b.map((e) => d2.deliver(e))]);
  }
  assert.equal(new Set(claimed).size, claimed.length, 'no event claimed twice');
  assert.deepEqual([...claimed].sort(), [...ids].sort());
  for (const id of ids) assert.equal(h.receiver.for(id).length, 1);
});

test('When two dispatchers run concurrently over many due events, then each event is delivered exactly once', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  const ids = await Promise.all(Array.from({ length: 60 }, () => h.record(tenant.id)));
  const [n1, n2] = await Promise.all([d1().runOnce(), d2.runOnce()]);
  assert.equal(n1 + n2, 60);
  assert.ok(n1 > 0 && n2 > 0, `both dispatchers worked (${n1} + ${n2})`);
  for (const id of ids) {
    assert.equal(h.receiver.for(id).length, 1, id);
    assert.equal((await h.row(id)).status, 'delivered');
  }
});

test("When a stale process settles after its lease was taken over, then its outcome is discarded and the newer claim's stands", async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  const id = await h.record(tenant.id);
  const stale = d1();
  const [mine] = (await stale.claim(50)).filter((e) => e.id === id);
  h.clock.advance(stale.leaseMs);
  await d2.runOnce(); // takes the event over and delivers it (attempt 2)
  h.receiver.reply = (res) => res.writeHead(500).end();
  try {
    await stale.deliver(mine); // the stale attempt 1 finally runs and fails
  } finally {
    h.receiver.reply = (res) => setTimeout(() => res.writeHead(200).end(), 3);
  }
  const row = await h.row(id);
  assert.equal(row.status, 'delivered');
  assert.equal(Number(row.attempts), 2);
  const [{ n }] = await h.orm.em.fork().execute('select count(*) as n from event_delivery_attempt where event_id = ?', [id]);
  assert.equal(Number(n), 2, 'both attempts are in the log');
});

test('When some events of a batch were taken over before the batch settles, then nothing of the batch is written twice: each is settled on its own and the newer claims stand', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  const ids = [await h.record(tenant.id), await h.record(tenant.id)];
  const stale = d1();
  // The stale dispatcher's POSTs are held until the other dispatcher has taken both events over and delivered them.
  const held: Array<() => void> = [];
  h.receiver.reply = (res) => held.push(() => res.writeHead(200).end());
  const staleRun = stale.runOnce();
  const deadline = Date.now() + 20_000;
  while (held.length < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(held.length >= ids.length, `the stale dispatcher sent ${held.length} of ${ids.length} events`);
  h.receiver.reply = (res) => setTimeout(() => res.writeHead(200).end(), 3);
  h.clock.advance(stale.leaseMs);
  await d2.runOnce(); // attempt 2 of each, delivered
  for (const release of held) release();
  await staleRun;
  for (const id of ids) {
    const row = await h.row(id);
    assert.equal(row.status, 'delivered');
    assert.equal(Number(row.attempts), 2, 'the newer claim stands');
    const [{ n }] = await h.orm.em.fork().execute('select count(*) as n from event_delivery_attempt where event_id = ?', [id]);
    assert.equal(Number(n), 2, 'each attempt is logged once');
  }
});
