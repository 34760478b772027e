import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEventsHarness, type EventsHarness } from './harness';
import { recordEvent } from '../../../src/modules/events/outbox';

let h: EventsHarness;
before(async () => {
  h = await startEventsHarness();
});
after(async () => h.close());

test('When an event is recorded in a committed transaction, then it is pending with the delivered body serialized once', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  const data = { out_trade_no: 'T-1', note: `quote ' backslash \\ question ? 中文 emoji 😀`, amount: { total: 100, currency: 'CNY' } };
  const id = await h.record(tenant.id, 'order.paid', data);
  assert.match(id, /^evt_[A-Za-z0-9_-]{22}$/);
  const row = await h.row(id);
  assert.equal(row.status, 'pending');
  assert.equal(row.tenant_id, tenant.id);
  assert.equal(Number(row.attempts), 0);
  assert.equal(Number(row.created_at), h.clock.now());
  assert.equal(Number(row.next_attempt_at), h.clock.now());
  assert.deepEqual(JSON.parse(String(row.payload)), { id, type: 'order.paid', created_at: '2026-11-26T10:00:00+08:00', data });
});

test('When the transaction that recorded an event rolls back, then no event exists', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  let id: string | undefined;
  await assert.rejects(
    h.orm.em.fork().transactional(async (em) => {
      id = await recordEvent(em, { tenantId: tenant.id, type: 'order.closed', data: { out_trade_no: 'T-2' } });
      // Inside the transaction the event is visible to it...
      const [seen] = await em.execute('select id from event where id = ?', [id]);
      assert.equal(seen?.id, id);
      throw new Error('the state change failed');
    }),
    /the state change failed/,
  );
  assert.ok(id);
  assert.equal(await h.row(id), undefined);
});

test('When recordEvent is called outside a transaction, then it refuses and writes nothing', async () => {
  const { tenant } = h.tenants.add(h.receiver.url);
  const em = h.orm.em.fork();
  await assert.rejects(recordEvent(em, { tenantId: tenant.id, type: 'order.paid', data: {} }), /inside the transaction/);
  const [n] = await em.execute('select count(*) as n from event where tenant_id = ?', [tenant.id]);
  assert.equal(Number(n.n), 0);
});
