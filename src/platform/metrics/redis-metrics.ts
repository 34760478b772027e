import { Counter, Gauge, type Registry } from 'prom-client';
import type { RedisLink } from '../kv/redis-link';

/** What the metrics read from the link on scrape. */
export type RedisStatus = Pick<RedisLink, 'state' | 'fallbackCounts'>;

const USES = ['kv', 'lock', 'rate_limit'] as const;

/**
 * Redis's state as the link sees it, read on scrape: `partnerpay_redis_up` (1 up, 0 away: the node
 * serves on per-process stand-ins) and `partnerpay_redis_fallbacks_total{use}` (calls that fell back
 * while away). Registered only when Redis is configured.
 */
export function registerRedisMetrics(registry: Registry, link: RedisStatus): void {
  new Gauge({
    name: 'partnerpay_redis_up',
    help: 'Redis as this node sees it: 1 up, 0 away (rate limits, locks and the replay cache run per process; payments continue)',
    registers: [registry],
    collect() {
      this.set(link.state === 'up' ? 1 : 0);
    },
  });
  new Counter({
    name: 'partnerpay_redis_fallbacks_total',
    help: 'Calls served by the per-process stand-in because Redis was away, by use (kv, lock, rate_limit)',
    labelNames: ['use'],
    registers: [registry],
    collect() {
      const counts = link.fallbackCounts();
      this.reset();
      for (const use of USES) this.inc({ use }, counts.get(use) ?? 0);
    },
  });
}
