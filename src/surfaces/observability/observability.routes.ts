import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import { bearerToken } from '../../platform/http/auth-failures';
import { operatorAuth } from '../../modules/operators';
import { Metrics } from '../../platform/metrics/metrics';
import { KeyReport } from './key-report';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * GET /metrics (Prometheus text): `Authorization: Bearer <PARTNERPAY_METRICS_TOKEN>` or any
 * operator token (viewer is enough); anything else is 401 like the admin API, counted against the address.
 */
export function metricsRouter(c: DependencyContainer): ApiRouter {
  const metrics = c.resolve(Metrics);
  const token = c.resolve<Config>(TOKENS.Config).metrics.token;
  const expected = token ? digest(token) : undefined;
  const asOperator = operatorAuth(c, 'viewer');
  const auth = (req: Request, res: Response, next: NextFunction) => {
    const given = bearerToken(req);
    // Compared as digests so that the comparison is constant-time whatever the lengths.
    if (expected && given && timingSafeEqual(digest(given), expected)) return next();
    asOperator(req, res, next);
  };
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics (PARTNERPAY_METRICS_TOKEN or an operator token)',
      tags: ['meta'],
      auth: 'operator',
      operationId: 'getMetrics',
      responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } },
    },
    auth,
    async ({ res }) => {
      const { contentType, body } = await metrics.render();
      res.setHeader('Content-Type', contentType);
      res.status(200).send(body);
    },
  );
}

const spParams = z.object({ sp_mchid: z.string().regex(/^\d{8,10}$/, 'must be 8-10 digits') });
const keyReportSchema = z.object({
  sp_mchid: z.string(),
  mode: z.enum(['public_key', 'certificate']),
  public_key: z.object({ public_key_id: z.string(), last_used_at: z.string().nullable() }).nullable(),
  certificates: z.array(z.record(z.string(), z.unknown())),
  recent_notifications: z.array(z.record(z.string(), z.unknown())),
  recent_checks: z.array(z.record(z.string(), z.unknown())),
  failures: z.object({ window: z.string(), by_reason: z.record(z.string(), z.number()), last_hour: z.number() }),
  warnings: z.array(z.object({ code: z.string(), message: z.string(), serial_no: z.string().optional() })),
});

/** GET /admin/v1/service-providers/{sp_mchid}/keys: which key verifies WeChat Pay for a provider, and what to fix. */
export function keyReportRouter(c: DependencyContainer): ApiRouter {
  const report = c.resolve(KeyReport);
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/admin/v1/service-providers/:sp_mchid/keys',
      summary: 'Key mode, public key id, platform certificates, which key verified recent messages, failures and warnings',
      tags: ['admin'],
      auth: 'operator',
      params: spParams,
      responses: { 200: { description: 'the key report', schema: keyReportSchema }, 404: { description: 'no such provider' } },
    },
    operatorAuth(c, 'viewer'),
    ({ params }) => report.report(params.sp_mchid),
  );
}
