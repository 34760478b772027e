import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError, type FieldIssue } from '../errors/errors';

/** Who may call a route; documents it in OpenAPI (the middleware that enforces it is passed alongside). */
export type RouteAuth = 'none' | 'operator' | 'tenant' | 'wechatpay' | 'wechat' | 'portal';

export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, `:name` for parameters (OpenAPI shows `{name}`). */
  path: string;
  summary: string;
  tags: string[];
  auth: RouteAuth;
  body?: B;
  query?: Q;
  params?: P;
  /** Extra request headers worth documenting (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

export interface HandlerInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
}

/** Turns zod issues into PARAM_ERROR field entries: `amount.total` + what to fix. */
export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => ({ field: prefix + (i.path.length ? i.path.join('.') : '(root)'), issue: i.message }));
}

/** Parses `value` with `schema` or throws 400 PARAM_ERROR naming every bad field. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw AppError.invalid(zodIssues(r.error, prefix));
  return r.data;
}

/**
 * An express router whose routes carry their schemas: the same zod schemas validate each request
 * and generate /openapi.json, so the document cannot drift from what the code accepts.
 */
export class ApiRouter {
  readonly router = express.Router();
  readonly specs: RouteSpec[] = [];

  route<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(
    spec: RouteSpec<B, Q, P>,
    ...chain: [...RequestHandler[], (input: HandlerInput<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown> | unknown]
  ): this {
    this.specs.push(spec as unknown as RouteSpec);
    const handler = chain[chain.length - 1] as (input: HandlerInput<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown> | unknown;
    const middleware = chain.slice(0, -1) as RequestHandler[];
    const run = async (req: Request, res: Response, next: NextFunction) => {
      try {
        const params = spec.params ? parseOr400(spec.params, req.params) : req.params;
        const query = spec.query ? parseOr400(spec.query, req.query) : req.query;
        const body = spec.body ? parseOr400(spec.body, req.body ?? {}) : req.body;
        const result = await handler({ body, query, params, req, res } as HandlerInput<z.infer<B>, z.infer<Q>, z.infer<P>>);
        if (!res.headersSent) {
          if (result === undefined) res.status(res.statusCode === 200 ? 204 : res.statusCode).end();
          else res.json(result);
        }
      } catch (e) {
        next(e);
      }
    };
    this.router[spec.method](spec.path, ...middleware, run);
    return this;
  }
}
