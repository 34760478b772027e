import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { AppError } from '../../platform/errors/errors';
import type { Orm } from '../../platform/db/orm';
import type { KeyValueStore } from '../../platform/kv/kv';
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

/** /healthz (the process is up) and /readyz (started, not draining, database and Redis reachable within 2 s; else 503). */
export function healthRouter(orm: Orm, kv: KeyValueStore, redisConfigured: boolean, lifecycle?: Lifecycle): ApiRouter {
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
        summary: 'Readiness: started, not draining, database and Redis reachable',
        tags: ['health'],
        auth: 'none',
        responses: { 200: { description: 'ready', schema: status }, 503: { description: 'a dependency is down' } },
      },
      async () => {
        const state = lifecycle?.state ?? 'ready';
        if (state !== 'ready') throw notReady(`not ready: ${state}`, { lifecycle: state });
        const [database, redis] = await Promise.all([
          check(() => orm.em.getConnection().execute('select 1')),
          redisConfigured ? check(() => kv.ping()) : Promise.resolve('in-process'),
        ]);
        const checks = { lifecycle: state, database, redis };
        if (database !== 'ok' || redis.startsWith('down')) throw notReady('not ready', checks);
        return { status: 'ready', checks };
      },
    );
}
