import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { ControlError } from '../errors';
import type { ComponentSimulator } from './component-sim';

const appid = z.string().regex(/^wx[0-9a-z]{16}$/, 'must be an AppID (wx + 16 lowercase letters or digits)');

const componentBody = z.strictObject({
  component_appid: appid.optional(),
  component_appsecret: z
    .string()
    .regex(/^[0-9A-Za-z]{32}$/, 'must be 32 letters or digits')
    .optional(),
  token: z
    .string()
    .regex(/^[0-9A-Za-z]{3,32}$/, 'must be 3-32 letters or digits')
    .optional(),
  encoding_aes_key: z
    .string()
    .regex(/^[0-9A-Za-z]{43}$/, 'must be 43 letters or digits')
    .optional(),
  events_url: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
  push_interval_seconds: z.number().int().min(1).max(86_400).optional(),
});
const settingsBody = z.strictObject({
  invalidate_old_tokens: z.boolean().optional(),
  errcode_as_string: z.boolean().optional(),
  ip_blocked: z.boolean().optional(),
  quota_exceeded: z.boolean().optional(),
  single_use_auth_codes: z.boolean().optional(),
});
const authorizeBody = z
  .strictObject({
    url: z.string().url().optional(),
    pre_auth_code: z.string().min(1).optional(),
    authorizer_appid: appid,
    func_ids: z.array(z.number().int().positive()).max(100).optional(),
    push: z.boolean().optional(),
    redirect: z.boolean().optional(),
  })
  .refine((b) => b.url || b.pre_auth_code, 'give url (the authorisation URL partnerpay answered) or pre_auth_code');
const unauthorizeBody = z.strictObject({ component_appid: appid, authorizer_appid: appid, push: z.boolean().optional() });
const expireBody = z.strictObject({ mode: z.enum(['expired', 'revoked']).default('expired') });

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new ControlError(400, 'PARAM_ERROR', `${issue.path.join('.') || '(body)'}: ${issue.message}`);
}

/**
 * The open platform's control API, under /control/open-platform (loopback only, like the rest of
 * /control): create component accounts, push tickets, complete or withdraw authorisations, flip
 * the fault switches, read the push and call logs. Bodies are checked with zod (400 naming the field).
 */
export function componentControlRouter(sim: ComponentSimulator): Router {
  const r = express.Router();
  r.use(express.json({ limit: '64kb' }));
  const on = (method: 'get' | 'post', path: string, fn: (req: Request) => unknown, status = 200) =>
    r[method](path, (req: Request, res: Response, next: NextFunction) => {
      Promise.resolve()
        .then(() => fn(req))
        .then((out) => res.status(status).json(out), next);
    });
  const appidParam = (req: Request) => parse(appid, req.params.component_appid);

  on('post', '/components', (req) => sim.createComponent(parse(componentBody, req.body)), 201);
  on('get', '/components', () => ({ data: sim.accounts() }));
  on('post', '/components/:component_appid/ticket', (req) => sim.pushTicket(appidParam(req)));
  on('post', '/components/:component_appid/settings', (req) => sim.configure(appidParam(req), parse(settingsBody, req.body)));
  on('post', '/components/:component_appid/expire-tokens', (req) => sim.expireTokens(appidParam(req), parse(expireBody, req.body).mode));
  on('post', '/authorize', (req) => sim.authorize(parse(authorizeBody, req.body)));
  on('post', '/unauthorize', (req) => sim.unauthorize(parse(unauthorizeBody, req.body)));
  on('get', '/pushes', () => ({ data: sim.state.pushes }));
  on('get', '/calls', (req) => ({
    data: sim.state.calls.filter((c) => typeof req.query.path !== 'string' || c.path === req.query.path),
  }));
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ControlError) return void res.status(err.status).json({ code: err.code, message: err.message });
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) return void res.status(400).json({ code: 'PARAM_ERROR', message: 'body must be JSON' });
    res.status(500).json({ code: 'INTERNAL_ERROR', message: 'simulator control call failed' });
  });
  return r;
}
