import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError, type ErrorCode, type FieldIssue } from '../errors/errors';

/**
 * Who may call a route; documents it in OpenAPI (the middleware that enforces it is passed alongside):
 * tenant secret keys, operator tokens, platform keys, an order's client secret, a portal session,
 * WeChat Pay's signed notifications, the open platform's signed pushes, or anyone.
 */
export type RouteAuth = 'none' | 'operator' | 'tenant' | 'platform' | 'client' | 'portal' | 'wechatpay' | 'wechat';

/** A response header the contract declares (src/surfaces/openapi/openapi.ts describes each). */
export type ResponseHeaderName = 'Idempotent-Replayed' | 'Retry-After' | 'Cache-Control' | 'Content-Disposition';

/** One answer of a route: JSON described by `schema` (named with `.meta({ id })`), or another content type. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** A non-JSON answer (HTML, CSV, text), described but not schema-checked; with `schema`, an alternative to the JSON. */
  contentType?: string;
  headers?: ResponseHeaderName[];
}

export type ResponseSpecs = Record<number, ResponseSpec>;

/** An example request/answer pair shown in the document for one operation. */
export interface RouteExample {
  body?: unknown;
  response?: { status: number; body: unknown };
}

export interface RouteSpec<
  B extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
  R extends ResponseSpecs = ResponseSpecs,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, `:name` for parameters (OpenAPI shows `{name}`). */
  path: string;
  /** verb-noun, e.g. `createOrder`; derived from method and path when absent (the document refuses duplicates). */
  operationId?: string;
  summary: string;
  tags: string[];
  auth: RouteAuth;
  body?: B;
  /** A body the handler reads itself (multipart upload, signed raw notification, XML push). */
  rawBody?: { contentType: string; description: string; schema?: z.ZodType };
  query?: Q;
  params?: P;
  /** Extra request headers worth documenting (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
  responses: R;
  /** Error codes this operation can answer beyond those its auth, inputs and parameters imply. */
  errors?: ErrorCode[];
  /** Content types errors may also come in (an HTML page for a browser), besides JSON. */
  errorContentTypes?: string[];
  example?: RouteExample;
}

/** What a handler may return: the input of one of its declared JSON schemas, or undefined (204 / written itself). */
export type AnswerOf<R extends ResponseSpecs> = [
  { [K in keyof R]: R[K] extends { schema: infer S extends z.ZodType } ? z.input<S> : never }[keyof R],
] extends [never]
  ? unknown
  : { [K in keyof R]: R[K] extends { schema: infer S extends z.ZodType } ? z.input<S> : never }[keyof R] | undefined | void;

/** Types an answer by its schema where a handler builds it away from the route (a drifting field does not compile). */
export function respond<S extends z.ZodType>(schema: S, value: z.input<S>): z.input<S> {
  void schema;
  return value;
}

/** A webhook partnerpay sends to tenants, documented under `webhooks`. */
export interface WebhookSpec {
  name: string;
  summary: string;
  description: string;
  /** The whole POSTed body. */
  payload: z.ZodType;
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
  readonly webhooks: WebhookSpec[] = [];

  /** Documents a webhook this module sends (the document's `webhooks` section). */
  webhook(spec: WebhookSpec): this {
    this.webhooks.push(spec);
    return this;
  }

  route<
    B extends z.ZodType = z.ZodUnknown,
    Q extends z.ZodType = z.ZodUnknown,
    P extends z.ZodType = z.ZodUnknown,
    const R extends ResponseSpecs = ResponseSpecs,
  >(
    spec: RouteSpec<B, Q, P, R>,
    ...chain: [...RequestHandler[], (input: HandlerInput<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<AnswerOf<R>> | AnswerOf<R>]
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
