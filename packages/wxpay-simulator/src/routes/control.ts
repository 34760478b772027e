import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ControlError, WxError } from '../errors';
import type { OrderSelector } from '../core';
import { checked, controlBodies as bodies, ControlParamError } from './control-schemas';

type Handler = (req: Request) => unknown;
/** A control call whose JSON body the simulator checks itself. */
type Call = (body: never) => unknown;

/**
 * What the control API drives: WxpaySimulator's public API (declared here, by shape, so that the
 * simulator and its control routes do not import each other).
 */
export interface SimulatorControl {
  platform(): unknown;
  registerServiceProvider: Call;
  registerSubMerchant: Call;
  orders(): unknown;
  pay(sel: OrderSelector & { outcome?: 'SUCCESS' | 'PAYERROR' }): unknown;
  expire(sel: OrderSelector): unknown;
  payCombine(sel: { combine_out_trade_no?: string; prepay_id?: string; sp_mchid?: string; fail?: string[] }): unknown;
  combineOrder(sel: { combine_out_trade_no: string; sp_mchid?: string }): unknown;
  finishRefund: Call;
  finishSplit: Call;
  finishReturn: Call;
  configureProfitSharing: Call;
  faults(): unknown;
  fault: Call;
  clearFaults(): unknown;
  billFaults: Call;
  probe: Call;
  calls(): Array<{ path: string }>;
  deliveries(): unknown;
  clearLogs(): unknown;
  reset(): void;
  configure: Call;
  now(): number;
  advance(ms: number): Promise<void>;
  flushDue(): Promise<void>;
  pending(): number;
  scheduled(): unknown;
  readonly login: { registerApp: Call; issueCode: Call };
  readonly codepay: { script: Call };
  readonly onboarding: {
    list(): unknown;
    control(applymentId: number, action: string, body: never): unknown;
    finishModification(no: string, result: 'AUDIT_SUCCESS' | 'AUDIT_FAIL', reason?: string): unknown;
  };
}

/** What a control call answers: the HTTP status and the JSON body (undefined with 204). */
export interface ControlAnswer {
  status: number;
  body?: unknown;
}

/** A control call made without HTTP: method, a path below `/control` without parameters (e.g. `/sub-merchants`), the JSON body. */
export type ControlCall = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => Promise<ControlAnswer>;

/**
 * The control API (JSON, unsigned, no auth — the simulator is never mounted in production):
 * register providers and sub-merchants, act as the paying user, finish refunds, expire orders,
 * inject faults, read the logs, move the clock. Documented in packages/wxpay-simulator/README.md.
 * `call` runs the same routes (same checks, same answers) in-process, for a host that embeds the
 * simulator and talks to it before its listener serves requests.
 */
export function controlRoutes(sim: SimulatorControl): { router: Router; call: ControlCall } {
  const r = express.Router();
  r.use(express.json({ limit: '256kb' }));
  const table = new Map<string, { fn: Handler; status: number }>();
  const on = (method: 'get' | 'post' | 'delete', path: string, fn: Handler, status = 200) => {
    if (!path.includes(':')) table.set(`${method.toUpperCase()} ${path}`, { fn, status });
    r[method](path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const out = await fn(req);
        if (out === undefined) res.status(204).end();
        else res.status(status).json(out);
      } catch (e) {
        next(e);
      }
    });
  };
  // Bodies are checked here with zod (400 naming the field); the WxpaySimulator methods check again (they are public API too).
  const body = <T = Record<string, unknown>>(req: Request) => (req.body && typeof req.body === 'object' ? req.body : {}) as T;

  on('get', '/platform', () => sim.platform());
  on('post', '/service-providers', (req) => sim.registerServiceProvider(checked(bodies.serviceProvider, req.body) as never));
  on('post', '/sub-merchants', (req) => sim.registerSubMerchant(checked(bodies.subMerchant, req.body) as never));
  on('post', '/apps', (req) => sim.login.registerApp(checked(bodies.app, req.body) as never));
  on('post', '/login-codes', (req) => sim.login.issueCode(checked(bodies.loginCode, req.body) as never), 201);
  on('post', '/codepay/outcomes', (req) => sim.codepay.script(body(req)), 201);
  on('get', '/orders', () => ({ data: sim.orders() }));
  on('post', '/pay', (req) => sim.pay(selector(checked(bodies.pay, req.body))));
  on('post', '/combine/pay', (req) => sim.payCombine(checked(bodies.payCombine, req.body)));
  on('get', '/combine/:combine_out_trade_no', (req) =>
    sim.combineOrder({
      combine_out_trade_no: String(req.params.combine_out_trade_no),
      ...(typeof req.query.sp_mchid === 'string' ? { sp_mchid: req.query.sp_mchid } : {}),
    }),
  );
  on('post', '/expire', (req) => sim.expire(selector(checked(bodies.expire, req.body))));
  on('post', '/refunds/finish', (req) => sim.finishRefund(checked(bodies.finishRefund, req.body) as never));
  on('post', '/profit-sharing/finish', (req) => sim.finishSplit(checked(bodies.finishSplit, req.body) as never));
  on('post', '/profit-sharing/returns/finish', (req) => sim.finishReturn(checked(bodies.finishReturn, req.body) as never));
  on('post', '/profit-sharing/settings', (req) => sim.configureProfitSharing(body(req)));
  on('get', '/faults', () => ({ data: sim.faults() }));
  on('post', '/faults', (req) => sim.fault(body(req)), 201);
  on('delete', '/faults', () => sim.clearFaults());
  on('post', '/bills/faults', (req) => sim.billFaults(body(req)));
  on('delete', '/bills/faults', () => void sim.billFaults({} as never));
  on('post', '/probe', (req) => sim.probe(checked(bodies.probe, req.body) as never));
  on('get', '/calls', (req) => ({
    data: sim.calls().filter((c) => !req.query.path_prefix || c.path.startsWith(String(req.query.path_prefix))),
  }));
  on('get', '/deliveries', () => ({ data: sim.deliveries() }));
  on('delete', '/logs', () => sim.clearLogs());
  on('post', '/reset', () => sim.reset());
  on('get', '/applyments', () => ({ data: sim.onboarding.list() }));
  on('post', '/applyments/:applyment_id/:action', (req) =>
    sim.onboarding.control(Number(req.params.applyment_id), String(req.params.action), body(req)),
  );
  on('post', '/settlement-applications/:application_no/finish', (req) => {
    const b = checked(bodies.finishSettlement, req.body);
    return sim.onboarding.finishModification(String(req.params.application_no), b.result, b.reason);
  });
  on('post', '/settings', (req) => sim.configure(checked(bodies.settings, req.body) as never));
  on('post', '/clock/advance', async (req) => {
    await sim.advance(checked(bodies.advance, req.body).ms);
    return { now: sim.now(), pending: sim.pending() };
  });
  on('get', '/scheduled', () => ({ now: sim.now(), data: sim.scheduled() }));
  on('post', '/clock/flush', async () => {
    await sim.flushDue();
    return { now: sim.now(), pending: sim.pending() };
  });

  r.use((_req: Request, res: Response) => res.status(404).json(NO_ROUTE));
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const a = errorAnswer(err);
    res.status(a.status).json(a.body);
  });
  const call: ControlCall = async (method, path, json) => {
    const route = table.get(`${method} ${path}`);
    if (!route) return { status: 404, body: NO_ROUTE };
    try {
      // The handlers read only the body, the params and the query of their request.
      const out = await route.fn({ body: JSON.parse(JSON.stringify(json ?? {})), params: {}, query: {} } as unknown as Request);
      return out === undefined ? { status: 204 } : { status: route.status, body: JSON.parse(JSON.stringify(out)) };
    } catch (e) {
      return errorAnswer(e);
    }
  };
  return { router: r, call };
}

const NO_ROUTE = { code: 'NOT_FOUND', message: 'no such control route (see packages/wxpay-simulator/README.md)' };

/** A refused control call as the API answers it: 400 naming the field, the simulator's own 4xx, or 500. */
function errorAnswer(err: unknown): ControlAnswer {
  if (err instanceof ControlParamError)
    return { status: 400, body: { code: err.code, message: err.message, detail: { field: err.field } } };
  if (err instanceof ControlError) return { status: err.status, body: { code: err.code, message: err.message } };
  if (err instanceof WxError) return { status: err.status, body: err.body() };
  const status = (err as { status?: number }).status;
  if (status && status >= 400 && status < 500) return { status: 400, body: { code: 'PARAM_ERROR', message: (err as Error).message } };
  return { status: 500, body: { code: 'INTERNAL_ERROR', message: 'simulator control call failed' } };
}

function selector(b: {
  prepay_id?: string;
  sp_mchid?: string;
  sub_mchid?: string;
  out_trade_no?: string;
  outcome?: 'SUCCESS' | 'PAYERROR';
}) {
  if (b.prepay_id) return { prepay_id: b.prepay_id, outcome: b.outcome };
  return { sp_mchid: b.sp_mchid, sub_mchid: b.sub_mchid!, out_trade_no: b.out_trade_no!, outcome: b.outcome };
}
