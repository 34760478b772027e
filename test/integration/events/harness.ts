import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { MemoryTenantDirectory } from '../../support/memory-tenant-directory';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { ManualClock } from '../../../src/platform/clock';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';
import { recordEvent, type EventType } from '../../../src/modules/events/outbox';
import { EventDispatcher } from '../../../src/modules/events/dispatcher';

export interface EventsHarness {
  t: TestApp;
  orm: Orm;
  clock: ManualClock;
  tenants: MemoryTenantDirectory;
  receiver: WebhookReceiver;
  dispatcher: EventDispatcher;
  adminToken: string;
  /** Records an event in a committed transaction, as orders and refunds do. */
  record(tenantId: string, type?: EventType, data?: Record<string, unknown>): Promise<string>;
  /** The event row as stored. */
  row(id: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * The app with the events feature on a database of this file's own (the dispatcher scans the
 * whole outbox), a ManualClock, tenants in memory, and a real webhook receiver on 127.0.0.1.
 */
export async function startEventsHarness(opts: { allowPrivateWebhooks?: boolean } = {}): Promise<EventsHarness> {
  const db = await isolatedDatabase();
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 2, 0, 0));
  const tenants = new MemoryTenantDirectory();
  const receiver = await new WebhookReceiver().start();
  const t = await startTestApp(
    { db: { url: db.url }, security: { allowPrivateWebhooks: opts.allowPrivateWebhooks ?? true } },
    { clock, override: (c) => c.register(TOKENS.Tenants, { useValue: tenants }) },
  );
  const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
  return {
    t,
    orm,
    clock,
    tenants,
    receiver,
    dispatcher: t.app.container.resolve(EventDispatcher),
    adminToken: t.config.security.adminToken,
    record: (
      tenantId,
      type = 'order.paid',
      data = { out_trade_no: `T${Math.random().toString(36).slice(2)}`, amount: { total: 100, currency: 'CNY' } },
    ) => orm.em.fork().transactional((em) => recordEvent(em, { tenantId, type, data })),
    async row(id) {
      const [r] = await orm.em.fork().execute('select * from event where id = ?', [id]);
      return r;
    },
    async close() {
      await receiver.stop();
      await t.close();
      await db.drop();
    },
  };
}
