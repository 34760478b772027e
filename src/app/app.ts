import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { AppContainer } from './container';
import { TOKENS } from '../platform/tokens';
import type { Logger } from '../platform/logging/logger';
import type { Orm } from '../platform/db/orm';
import { RedisLink } from '../platform/kv/redis-link';
import { requestId } from '../platform/http/request-id';
import { requestLog } from '../platform/http/request-log';
import { securityHeaders } from '../platform/http/security-headers';
import { errorMiddleware, notFoundHandler } from '../platform/http/error-middleware';
import { inputGuard } from '../platform/http/input-guard';
import { jsonOnly, RAW_BODY_PREFIXES } from '../platform/http/json-only';
import type { ApiRouter } from '../platform/http/route';
import { openApiRouter } from '../surfaces/openapi/openapi';
import { healthRouter } from '../surfaces/health/health.routes';
import { version } from '../../package.json';

/**
 * Assembles middleware, the modules' routers and the error handler; does not listen.
 * `observe` runs first on every request (the contract test's recorder).
 */
export function buildApp(app: AppContainer, observe?: RequestHandler): express.Application {
  const c = app.container;
  const config = app.config;
  const logger = c.resolve<Logger>(TOKENS.Logger);
  const orm = c.resolve<Orm>(TOKENS.Orm);

  const server = express();
  server.disable('x-powered-by');
  server.set('query parser', 'simple');
  // No ETag: API answers are never revalidated, and hashing every body costs each request.
  server.set('etag', false);
  // Behind a TLS proxy req.ip is the client's address only when the proxy is trusted (PARTNERPAY_TRUST_PROXY).
  server.set('trust proxy', config.server.trustProxy);
  if (observe) server.use(observe);
  server.use(requestId);
  server.use(securityHeaders(config.profile === 'production'));
  // The embedded simulator's requests are logged as the simulator's (component: simulator), not as partnerpay's.
  server.use(requestLog(logger, config.simulator.embedded ? config.simulator.mountPath : undefined));
  for (const f of app.modules) f.mountRaw?.(server, c);

  const json = express.json({ limit: config.server.bodyLimit, strict: true, type: ['application/json', 'application/*+json'] });
  server.use((req: Request, res: Response, next: NextFunction) =>
    RAW_BODY_PREFIXES.some((p) => req.path.startsWith(p))
      ? next()
      : jsonOnly(req, res, (err?: unknown) => (err ? next(err) : json(req, res, next))),
  );
  server.use(inputGuard);

  const routers: ApiRouter[] = [
    healthRouter(orm, c.isRegistered(RedisLink) ? c.resolve(RedisLink) : undefined, app.lifecycle),
    ...app.modules.flatMap((f) => f.routers?.(c) ?? []),
  ];
  routers.push(
    openApiRouter(
      routers.flatMap((r) => r.specs),
      { version },
      routers.flatMap((r) => r.webhooks),
    ),
  );
  // The hot paths (creating orders, WeChat Pay's notifications) are matched first: express walks
  // every earlier layer of every earlier router on each request.
  const hot = (r: ApiRouter) => r.specs.some((s) => s.path === '/v1/orders' || s.path.startsWith('/notify/'));
  for (const r of [...routers.filter(hot), ...routers.filter((r) => !hot(r))]) server.use(r.router);

  server.use(notFoundHandler);
  server.use(errorMiddleware(logger));
  return server;
}
