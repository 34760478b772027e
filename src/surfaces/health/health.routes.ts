import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { AppError } from '../../platform/errors/errors';
import type { Orm } from '../../platform/db/orm';
import type { RedisLink } from '../../platform/kv/redis-link';
import type { Lifecycle } from '../../platform/lifecycle';

const status = z.object({ status: z.string(), checks: z.record(z.string(), z.string()).optional() });

async function check(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))]);
    return 'ok';
  } catch (e) {
    return `down: ${(e as Error).message.slice(0, 120)}`;
  } finally {
    clearTimeout(timer);
  }
}

function notReady(message: string, checks: Record<string, string>): AppError {
  return new AppError('SERVICE_UNAVAILABLE', message, { checks, retryable: true }, { headers: { 'Retry-After': '5' } });
}

/** What readiness says of Redis: `ok`, `degraded` (away: the node serves on per-process stand-ins) or `in-process` (none configured). */
async function redisCheck(redis: RedisLink | undefined): Promise<string> {
  if (!redis) return 'in-process';
  if (redis.state === 'away') return 'degraded';
  // A failed or stalled PING marks the link away (bounded by its command timeout).
  return redis
    .run((r) => r.ping())
    .then(
      () => 'ok',
      () => 'degraded',
    );
}

/**
 * /healthz (the process is up) and /readyz (started, not draining, database reachable within 2 s;
 * else 503). Redis away does not make a node unready: it serves without it (`checks.redis: degraded`).
 */
export function healthRouter(orm: Orm, redis: RedisLink | undefined, lifecycle?: Lifecycle): ApiRouter {
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/healthz',
        summary: 'Liveness: the process is up',
        tags: ['health'],
        auth: 'none',
        responses: { 200: { description: 'up', schema: status } },
      },
      () => ({ status: 'ok' }),
    )
    .route(
      {
        method: 'get',
        path: '/readyz',
        summary: 'Readiness: started, not draining, database reachable (Redis away: checks.redis degraded, still ready)',
        tags: ['health'],
        auth: 'none',
        responses: { 200: { description: 'ready', schema: status }, 503: { description: 'a dependency is down' } },
      },
      async () => {
        const state = lifecycle?.state ?? 'ready';
        if (state !== 'ready') throw notReady(`not ready: ${state}`, { lifecycle: state });
        const [database, redisState] = await Promise.all([check(() => orm.em.getConnection().execute('select 1')), redisCheck(redis)]);
        const checks = { lifecycle: state, database, redis: redisState };
        if (database !== 'ok') throw notReady('not ready', checks);
        return { status: 'ready', checks };
      },
    );
}
