import { instanceCachingFactory, instancePerContainerCachingFactory } from 'tsyringe';
import type { AppModule } from './module';
import { TOKENS } from './tokens';
import type { Clock } from './clock';
import type { Config } from './config/schema';
import type { LockService } from './kv/kv';
import { RedisLink } from './kv/redis-link';
import { registerRedisMetrics } from './metrics/redis-metrics';
import { DataKeyEntity } from './secrets/data-key.entity';
import { DataKeyRepository } from './secrets/data-key.repository';
import { SecretBox } from './secrets/secret-box';
import { masterKeyring } from './secrets/master-keys';
import { IdempotencyEntity } from './idempotency/idempotency.entity';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { IdempotencyService } from './idempotency/idempotency.service';
import { Metrics, backlogSource, type OutboxBacklog } from './metrics/metrics';

/**
 * The platform's own services, first in src/app/modules.ts: the secrets envelope (SecretBox), the
 * Idempotency-Key store (TOKENS.Idempotency) and its purge, and the Prometheus registry (Metrics),
 * whose outbox gauges read TOKENS.OutboxBacklog when a module binds it (events does).
 */
export const platformModule: AppModule = {
  name: 'platform',
  entities: [DataKeyEntity, IdempotencyEntity],
  register(c) {
    const config = c.resolve<Config>(TOKENS.Config);
    c.registerSingleton(DataKeyRepository);
    c.register(SecretBox, {
      useFactory: instanceCachingFactory((d) => {
        const s = d.resolve<Config>(TOKENS.Config).security;
        return new SecretBox(
          d.resolve(DataKeyRepository),
          masterKeyring(s.masterKey, s.previousMasterKeys),
          d.resolve<Clock>(TOKENS.Clock),
        );
      }),
    });
    c.registerSingleton(IdempotencyRepository);
    c.register(TOKENS.Idempotency, {
      useFactory: instanceCachingFactory(
        (cc) =>
          new IdempotencyService(cc.resolve(IdempotencyRepository), cc.resolve<LockService>(TOKENS.Locks), cc.resolve<Clock>(TOKENS.Clock)),
      ),
    });
    c.register(Metrics, {
      useFactory: instancePerContainerCachingFactory((d) => {
        const metrics = new Metrics({ defaultMetrics: config.metrics.defaultMetrics });
        // Resolved at scrape time: the module that binds TOKENS.OutboxBacklog may come later in the list.
        metrics.setBacklogSource(
          backlogSource(
            async () => (d.isRegistered(TOKENS.OutboxBacklog, true) ? d.resolve<OutboxBacklog>(TOKENS.OutboxBacklog).backlog() : []),
            config.metrics.backlogCacheMs,
          ),
        );
        if (d.isRegistered(RedisLink, true)) registerRedisMetrics(metrics.registry, d.resolve(RedisLink));
        return metrics;
      }),
    });
  },
  jobs: (c) => [
    {
      name: 'idempotency.purge',
      intervalMs: 3600_000,
      run: () =>
        c
          .resolve<IdempotencyService>(TOKENS.Idempotency)
          .purgeExpired()
          .then(() => undefined),
    },
  ],
};
