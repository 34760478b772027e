import { instancePerContainerCachingFactory, type DependencyContainer } from 'tsyringe';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Orm } from '../../platform/db/orm';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { Config } from '../../platform/config/schema';
import type { TenantDirectory } from '../tenancy';
import { version } from '../../../package.json';
import { bindOutboxClock, bindOutboxObserver } from './outbox';
import { Metrics } from '../../platform/metrics/metrics';
import { EventDispatcher } from './dispatcher';
import { EventQueries } from './events.queries';
import { EventRepository } from './event.repository';
import { EventDeliveryAttemptEntity, EventEntity } from './event.entity';
import { AuditLog } from '../operators';
import { WebhookSender } from './webhook-sender';
import { adminEventsRouter, tenantEventsRouter } from './events.routes';

/** The paid order's trade_type, from the event's data (`{order: {trade_type}}`). */
const tradeTypeOf = (data: Record<string, unknown>): unknown => (data.order as { trade_type?: unknown } | undefined)?.trade_type;

/** The outbound half of notifications: the transactional outbox, its webhook dispatcher and the events APIs. */
export const eventsModule: AppModule = {
  name: 'events',
  entities: [EventEntity, EventDeliveryAttemptEntity],
  register(c: DependencyContainer) {
    const config = c.resolve<Config>(TOKENS.Config);
    const orm = c.resolve<Orm>(TOKENS.Orm);
    // Resolved lazily so a test's override of TOKENS.Clock applies.
    bindOutboxClock(orm, () => c.resolve<Clock>(TOKENS.Clock));
    c.registerSingleton(EventRepository);
    const metrics = c.isRegistered(Metrics, true) ? c.resolve(Metrics) : undefined;
    if (metrics) bindOutboxObserver(orm, (e) => (e.type === 'order.paid' ? metrics.orderPaid(e.tenantId, tradeTypeOf(e.data)) : undefined));
    c.register(WebhookSender, {
      useFactory: instancePerContainerCachingFactory(
        () => new WebhookSender({ allowPrivate: config.security.allowPrivateWebhooks, userAgent: `partnerpay/${version} (webhooks)` }),
      ),
    });
    c.register(EventDispatcher, {
      useFactory: instancePerContainerCachingFactory(
        (d) =>
          new EventDispatcher(
            d.resolve(EventRepository),
            d.resolve<Clock>(TOKENS.Clock),
            () => d.resolve<TenantDirectory>(TOKENS.Tenants),
            d.resolve(WebhookSender),
            d.resolve<Logger>(TOKENS.Logger),
            {
              leaseMs: config.jobs.eventLeaseMs,
              // One tick delivers for at most one interval: within a shutdown's grace, and half the time at full speed under a backlog.
              maxRunMs: config.jobs.intervalMs,
              onSettled: metrics
                ? (e, status, delay) => {
                    if (e.spMchid) metrics.learnTenant(e.tenantId, e.spMchid);
                    metrics.delivery(e.tenantId, status, delay);
                  }
                : undefined,
            },
          ),
      ),
    });
    c.register(EventQueries, {
      useFactory: instancePerContainerCachingFactory(
        (d) => new EventQueries(d.resolve(EventRepository), d.resolve<Clock>(TOKENS.Clock), d.resolve(AuditLog)),
      ),
    });
    // The platform's outbox gauges (partnerpay_outbox_backlog) read the backlog from here on scrape.
    c.register(TOKENS.OutboxBacklog, { useFactory: (d) => d.resolve(EventQueries) });
  },
  routers: (c) => [tenantEventsRouter(c), adminEventsRouter(c)],
  jobs: (c) => [
    {
      name: 'events.dispatch',
      intervalMs: c.resolve<Config>(TOKENS.Config).jobs.intervalMs,
      run: () =>
        c
          .resolve(EventDispatcher)
          .runOnce()
          .then(() => undefined),
    },
  ],
  async onStop(c) {
    await c.resolve(WebhookSender).close();
  },
};
