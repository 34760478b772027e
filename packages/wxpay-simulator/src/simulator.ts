import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { systemClock, KeyError, loadCertificate, loadPublicKey, type Clock, type WxpayLogger as Logger } from '@partnerpay/wxpay';
import { SimCore, type OrderSelector } from './core';
import { ControlError, WxError } from './errors';
import { Faults, parseFault, type ActiveFault, type FaultSpec } from './faults';
import { ApiRoutes, type CallRecord } from './http';
import { loadOrCreatePlatformIdentity, type PlatformIdentity } from './keys';
import { NotificationDispatcher, type Delivery } from './notifier';
import { ScheduledWork, SimScheduler } from './scheduler';
import { SimState, type Verification } from './state';
import { registerTransactionRoutes } from './routes/transactions';
import { registerPaymentModeRoutes } from './routes/payment-modes';
import { CodepaySim, registerCodepayRoutes } from './routes/codepay';
import { registerRefundRoutes } from './routes/refunds';
import { registerCombineRoutes } from './routes/combine';
import { CombineSim, combineView } from './combine';
import { registerCertificateRoutes } from './routes/certificates';
import { registerBillRoutes } from './routes/bills';
import type { BillFaults } from './bills';
import { registerDirectRoutes } from './routes/direct';
import { controlRoutes, type ControlAnswer, type ControlCall } from './routes/control';
import { loopbackOnly } from './loopback-only';
import { registerOnboardingRoutes } from './routes/onboarding';
import { SimOnboarding } from './onboarding';
import { registerProfitSharingRoutes } from './routes/profit-sharing';
import { ProfitSharingSim, type SimReturn } from './profit-sharing';
import { transactionView } from './views';
import { LoginSimulator } from './login';
import { ComponentSimulator } from './component/component-sim';
import { componentApiRouter } from './component/component-api';
import { componentControlRouter } from './component/component-control';
import { StateKeeper } from './state-keeper';
import { transient } from './persistence';
import { join } from 'node:path';
import { SimComplaints } from './complaints';
import { registerComplaintRoutes } from './routes/complaints';
import { complaintsControlRouter } from './routes/complaints-control';

export interface WxpaySimulatorOptions {
  /** Wall clock for signature timestamps and business times (default: the system clock). Embedded, it is partnerpay's TOKENS.Clock. */
  clock?: Clock;
  /** How much faster than the wall clock retries and delays run (demo: 60). */
  clockSpeed?: number;
  /** 'manual': scheduled work runs only on advance()/flushDue(). Default: manual when `clock` is a ManualClock, else real timers. */
  scheduler?: 'timers' | 'manual';
  /**
   * Keep the platform keys (`<stateDir>/simulator-keys.json`) and the whole state (orders, refunds,
   * merchants, AppSecrets, applyments...: `<stateDir>/simulator-state.v8`) across restarts.
   */
  stateDir?: string;
  logger?: Logger;
  /** Simulator-time ms after which new refunds finish as SUCCESS by themselves (unset: only finishRefund()). */
  refundAutoFinishMs?: number;
  /** Timeout of one notification POST (real ms; WeChat Pay expects an answer within 5 s). */
  notifyTimeoutMs?: number;
  /** Use these platform keys instead of loading or creating them (a namespace shares its parent's). */
  identity?: PlatformIdentity;
  /** Who may use the unauthenticated control API: `loopback` peers only (default), or `any` (a container on a private network). */
  controlFrom?: 'loopback' | 'any';
}

export interface ServiceProviderRegistration {
  sp_mchid: string;
  sp_appid: string;
  /** Serial of the merchant API certificate (the Authorization serial_no); taken from the certificate when one is given. */
  merchant_serial_no?: string;
  /** PEM public key or PEM certificate of the merchant API key pair. */
  merchant_public_key: string;
  /** The 32-byte APIv3 key. */
  apiv3_key: string;
  /** Which key signs this provider's responses and notifications (default public_key). */
  verification?: Verification;
}

export interface SubMerchantRegistration {
  sp_mchid: string;
  sub_mchid: string;
  /** sub_appids bound to this sub_mchid. */
  appids?: string[];
}

export interface PlatformInfo {
  public_key_id: string;
  public_key_pem: string;
  certificate_serial: string;
  certificate_pem: string;
}

export type PaySelector = OrderSelector & { outcome?: 'SUCCESS' | 'PAYERROR' };
export type RefundFinish = { out_refund_no: string; sub_mchid: string; sp_mchid?: string; status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' };

/** At most this many namespaces per simulator (each is a whole simulator in memory). */
export const MAX_NAMESPACES = 100;
const NAMESPACE_RULE = `a namespace is 1-64 letters, digits, _ and - (starting with a letter or digit); at most ${MAX_NAMESPACES}`;

/**
 * The WeChat Pay partner-mode simulator: a stand-in for api.mch.weixin.qq.com with its own platform
 * keys, signed responses, real error codes, notifications with retries, bills and fault injection.
 * Mount `router()` anywhere (it reads raw bodies itself); drive it with this API or `<mount>/control`.
 */
export class WxpaySimulator {
  readonly identity: PlatformIdentity;
  private readonly state = new SimState();
  private readonly faultList = new Faults();
  private billFaultSet: BillFaults = {};
  private readonly scheduler: SimScheduler;
  /** The scheduler's pending work as data: state like the rest, so it survives a restart. */
  private readonly work = new ScheduledWork();
  private readonly notifier: NotificationDispatcher;
  private readonly core: SimCore;
  private readonly api: ApiRoutes;
  /** Onboarding: media, applyments (with their state machine) and settlement accounts. */
  readonly onboarding: SimOnboarding;
  private readonly ps: ProfitSharingSim;
  private built?: Router;
  /** Mini-program login (api.weixin.qq.com/sns/jscode2session), served beside the pay API. */
  readonly login: LoginSimulator;
  /** The open platform (第三方平台): component accounts, tickets, tokens, authorisations and their pushes. */
  readonly component: ComponentSimulator;
  /** Finds, saves, restores and resets the state (state-keeper.ts). */
  private readonly keeper: StateKeeper;
  /** Namespaces (`<mount>/ns/<name>/...`): simulators of their own sharing the platform keys, created on first use. */
  private readonly namespaces = transient(new Map<string, WxpaySimulator>());
  /** 付款码: scripted charge outcomes (control API POST /codepay/outcomes). */
  readonly codepay = new CodepaySim();
  /** Consumer complaints 2.0: complaints, replies, refund decisions, images, the notification URL. */
  readonly complaints: SimComplaints;
  /** 合单: combine orders over sub-orders of several sub-merchants (control API POST /combine/pay). */
  private readonly combine: CombineSim;

  constructor(private readonly opts: WxpaySimulatorOptions = {}) {
    const wall = opts.clock ?? systemClock;
    this.login = new LoginSimulator(wall);
    this.identity = opts.identity ?? loadOrCreatePlatformIdentity(opts.stateDir);
    this.scheduler = new SimScheduler(wall, opts.clockSpeed ?? 1, opts.scheduler, this.work);
    this.component = new ComponentSimulator(wall, this.scheduler, this.login, opts.logger);
    this.notifier = new NotificationDispatcher(this.identity, this.scheduler, wall, this.faultList, opts.logger, opts.notifyTimeoutMs);
    this.core = new SimCore(
      this.state,
      this.identity,
      wall,
      this.scheduler,
      this.notifier,
      { refundAutoFinishMs: opts.refundAutoFinishMs },
      opts.logger,
    );
    this.api = new ApiRoutes(this.state, this.identity, wall, this.faultList, opts.logger);
    registerTransactionRoutes(this.api, this.core);
    registerPaymentModeRoutes(this.api, this.core);
    registerCodepayRoutes(this.api, this.core, this.codepay);
    this.combine = new CombineSim(this.core);
    registerCombineRoutes(this.api, this.core, this.combine);
    registerRefundRoutes(this.api, this.core);
    registerCertificateRoutes(this.api, this.core);
    registerBillRoutes(this.api, this.core, () => this.billFaultSet);
    this.onboarding = new SimOnboarding(this.state, this.identity, this.scheduler, wall, opts.logger);
    registerOnboardingRoutes(this.api, this.onboarding);
    this.ps = new ProfitSharingSim(this.core);
    this.core.profitSharing = this.ps;
    registerProfitSharingRoutes(this.api, this.core, this.ps);
    this.complaints = new SimComplaints(this.state, this.notifier, wall);
    registerComplaintRoutes(this.api, this.complaints);
    registerDirectRoutes(this.api);
    this.api.notFound();
    // Everything above that holds Maps or Sets is state; these hold keys, faults, timers, sockets and logs.
    const machinery: unknown[] = [this.identity, this.faultList, this.scheduler, this.notifier, this.api, wall, opts.logger];
    this.keeper = new StateKeeper(
      this,
      new Set(machinery.filter((m): m is object => typeof m === 'object' && m !== null)),
      opts.stateDir,
      opts.logger,
    );
    // After a restart the pending work (retries, audits, timers) resumes where it was.
    const loaded = this.keeper.load();
    if (loaded) {
      this.scheduler.restored();
      if (!loaded.has('ScheduledWork.tasks')) this.upgradeOldSnapshot();
    }
    this.scheduler.onTaskDone = () => this.keeper.touch();
  }

  /**
   * A snapshot written before scheduled work was state (no `ScheduledWork.tasks`) carries no tasks: the
   * start-up step of that version is done once more, so refunds still PROCESSING finish by themselves
   * again when auto-finish is on (the only work that version resumed after a restart). The next save
   * writes the tasks, so this runs once per old snapshot.
   */
  private upgradeOldSnapshot(): void {
    for (const r of this.state.allRefunds()) if (r.status === 'PROCESSING') this.core.scheduleAutoFinish(r);
  }

  /** The names of the kept state fields (`Class.field`), for tests and the README. */
  stateFields(): string[] {
    return this.keeper.names();
  }

  /** Writes the state to the state directory now (it is also written shortly after every change). */
  saveState(): void {
    this.keeper.save();
  }

  /**
   * Forgets everything since start: orders, refunds, merchants, AppSecrets, applyments, faults, logs
   * and scheduled work. The platform keys stay (merchants keep the keys they stored).
   */
  reset(): void {
    this.scheduler.cancelAll();
    this.keeper.reset();
    this.faultList.clear();
    this.billFaultSet = {};
    this.clearLogs();
  }

  /** The express router: WeChat Pay's /v3 API plus /control. Mount it before any JSON body parser. */
  router(): Router {
    if (this.built) return this.built;
    const r = express.Router();
    // Every answered request may have changed the state: save it soon.
    r.use((_req: Request, res: Response, next: NextFunction) => {
      res.on('finish', () => this.keeper.touch());
      next();
    });
    r.use('/ns/:namespace', (req: Request, res: Response, next: NextFunction) => {
      const child = this.namespace(String(req.params.namespace));
      if (!child) return void res.status(400).json({ code: 'PARAM_ERROR', message: NAMESPACE_RULE });
      child.router()(req, res, next);
    });
    const guard = this.opts.controlFrom === 'any' ? (_q: Request, _s: Response, next: NextFunction) => next() : loopbackOnly;
    r.use('/control/open-platform', guard, componentControlRouter(this.component));
    r.use('/control/complaints', guard, complaintsControlRouter(this.complaints));
    r.use('/control', guard, this.controlApi().router);
    // api.weixin.qq.com's open-platform API and mp.weixin.qq.com's authorisation page.
    r.use(componentApiRouter(this.component, this.opts.clock ?? systemClock));
    // api.weixin.qq.com's login (GET only, JSON errors with HTTP 200), so WECHAT_API_BASE_URL can point here.
    r.get('/sns/jscode2session', (req: Request, res: Response) => {
      res.json(this.login.code2Session(req.query as Record<string, unknown>));
    });
    r.post('/sns/jscode2session', (_req: Request, res: Response) => {
      res.json({ errcode: 41002, errmsg: 'appid missing' });
    });
    // 6 MB: media uploads up to 5 MB (the ecommerce limit, accepted with a warning) plus the multipart envelope.
    r.use('/v3', express.raw({ type: () => true, limit: '6mb' }));
    r.use(this.api.router);
    r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const status = (err as { status?: number }).status ?? 500;
      res
        .status(status >= 400 && status < 500 ? 400 : 500)
        .json(status < 500 ? WxError.param('/', (err as Error).message).body() : WxError.system().body());
    });
    return (this.built = r);
  }

  private controlApiBuilt?: ReturnType<typeof controlRoutes>;
  private controlApi(): ReturnType<typeof controlRoutes> {
    return (this.controlApiBuilt ??= controlRoutes(this));
  }

  /**
   * One call of the control API without HTTP (`<mount>/control` + `path`, parameterless routes): the
   * same zod checks and answers (`{status, body}`; 400 naming the field). A host that embeds the
   * simulator registers its merchants with it before its own listener serves requests.
   */
  control(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ControlAnswer> {
    const call: ControlCall = this.controlApi().call;
    const answer = call(method, path, body);
    void answer.then(() => this.keeper.touch());
    return answer;
  }

  /**
   * The simulator of namespace `name` (created on first use, its state in `<stateDir>/namespaces/<name>`),
   * or undefined when the name breaks NAMESPACE_RULE or MAX_NAMESPACES are in use.
   */
  namespace(name: string): WxpaySimulator | undefined {
    const known = this.namespaces.get(name);
    if (known) return known;
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name) || this.namespaces.size >= MAX_NAMESPACES) return undefined;
    const child = new WxpaySimulator({
      ...this.opts,
      identity: this.identity,
      stateDir: this.opts.stateDir ? join(this.opts.stateDir, 'namespaces', name) : undefined,
      logger: this.opts.logger,
    });
    this.namespaces.set(name, child);
    return child;
  }

  /** The platform's public key (with its PUB_KEY_ID_...) and certificate (with its serial). */
  platform(): PlatformInfo {
    const id = this.identity;
    return {
      public_key_id: id.publicKeyId,
      public_key_pem: id.publicKeyPem,
      certificate_serial: id.certificateSerial,
      certificate_pem: id.certificatePem,
    };
  }

  /** Adds or replaces a service provider (idempotent upsert). */
  registerServiceProvider(r: ServiceProviderRegistration): {
    sp_mchid: string;
    merchant_serial_no: string;
    verification: Verification;
    wechatpay_serial: string;
  } {
    for (const k of ['sp_mchid', 'sp_appid', 'merchant_public_key', 'apiv3_key'] as const) {
      if (typeof r[k] !== 'string' || !r[k]) throw new ControlError(400, 'PARAM_ERROR', `${k} is required`);
    }
    if (Buffer.byteLength(r.apiv3_key, 'utf8') !== 32) throw new ControlError(400, 'PARAM_ERROR', 'apiv3_key must be 32 bytes');
    const verification = r.verification ?? 'public_key';
    if (verification !== 'public_key' && verification !== 'certificate')
      throw new ControlError(400, 'PARAM_ERROR', "verification must be 'public_key' or 'certificate'");
    let serial = r.merchant_serial_no?.toUpperCase();
    let key;
    try {
      if (r.merchant_public_key.includes('CERTIFICATE')) {
        const cert = loadCertificate(r.merchant_public_key, 'merchant_public_key');
        if (serial && serial !== cert.serialNo)
          throw new ControlError(400, 'PARAM_ERROR', `merchant_serial_no ${serial} is not the certificate's serial ${cert.serialNo}`);
        serial = cert.serialNo;
        key = cert.publicKey;
      } else {
        key = loadPublicKey(r.merchant_public_key, 'merchant_public_key');
      }
    } catch (e) {
      if (e instanceof KeyError) throw new ControlError(400, 'PARAM_ERROR', e.message);
      throw e;
    }
    if (!serial) throw new ControlError(400, 'PARAM_ERROR', 'merchant_serial_no is required with a bare public key');
    this.state.providers.set(r.sp_mchid, {
      sp_mchid: r.sp_mchid,
      sp_appid: r.sp_appid,
      merchant_serial_no: serial,
      merchantKey: key,
      apiv3Key: r.apiv3_key,
      verification,
    });
    return {
      sp_mchid: r.sp_mchid,
      merchant_serial_no: serial,
      verification,
      wechatpay_serial: verification === 'certificate' ? this.identity.certificateSerial : this.identity.publicKeyId,
    };
  }

  /** Adds or replaces a sub-merchant of a registered provider, with the sub_appids bound to it. */
  registerSubMerchant(r: SubMerchantRegistration): { sp_mchid: string; sub_mchid: string; appids: string[] } {
    if (!r?.sp_mchid || !r.sub_mchid) throw new ControlError(400, 'PARAM_ERROR', 'sp_mchid and sub_mchid are required');
    if (!this.state.providers.has(r.sp_mchid))
      throw new ControlError(404, 'MCH_NOT_EXISTS', `service provider ${r.sp_mchid} is not registered`);
    if (r.sub_mchid === r.sp_mchid) throw new ControlError(400, 'PARAM_ERROR', '子商户mchid不能与自身mchid相同');
    const appids = r.appids ?? [];
    if (!Array.isArray(appids) || appids.some((a) => typeof a !== 'string' || !a))
      throw new ControlError(400, 'PARAM_ERROR', 'appids must be a list of AppIDs');
    this.state.putSub({ sp_mchid: r.sp_mchid, sub_mchid: r.sub_mchid, appids: new Set(appids) });
    return { sp_mchid: r.sp_mchid, sub_mchid: r.sub_mchid, appids: [...appids] };
  }

  /**
   * The user pays the order (default) or the payment fails (outcome PAYERROR); on success TRANSACTION.SUCCESS is sent. Resolves
   * after the first delivery attempt.
   */
  pay(sel: PaySelector): Promise<Record<string, unknown>> {
    return this.core.pay(sel, sel.outcome ?? 'SUCCESS');
  }

  /**
   * The buyer pays a 合单 as a whole, or with the sub-orders named in `fail` failing (PAYERROR); WeChat
   * Pay's one TRANSACTION.SUCCESS with the combine resource follows. Resolves after the first delivery attempt.
   */
  payCombine(sel: {
    combine_out_trade_no?: string;
    prepay_id?: string;
    sp_mchid?: string;
    fail?: string[];
  }): Promise<Record<string, unknown>> {
    return this.combine.pay(sel);
  }

  /** A 合单 as the combine query would show it now. */
  combineOrder(sel: { combine_out_trade_no: string; sp_mchid?: string }): Record<string, unknown> {
    return combineView(this.combine.find(sel.combine_out_trade_no, sel.sp_mchid));
  }

  /** Finishes a PROCESSING (or ABNORMAL) refund and sends REFUND.SUCCESS / REFUND.CLOSED / REFUND.ABNORMAL. */
  finishRefund(r: RefundFinish): Promise<Record<string, unknown>> {
    return this.core.finishRefund(r);
  }

  /** Closes an unpaid order as if its time_expire had passed. */
  expire(sel: OrderSelector): Record<string, unknown> {
    return this.core.expire(sel);
  }

  /** The order as the query API would show it now. */
  order(sel: OrderSelector): Record<string, unknown> {
    return transactionView(this.core.findOrder(sel));
  }

  /** Every order, briefly (for the control API and debugging). */
  orders(): Array<Record<string, unknown>> {
    return this.state.allOrders().map((o) => {
      this.core.refresh(o);
      return {
        sp_mchid: o.sp_mchid,
        sub_mchid: o.sub_mchid,
        out_trade_no: o.out_trade_no,
        prepay_id: o.prepay_id,
        trade_state: o.state,
        transaction_id: o.transaction_id,
        total: o.total,
        notify_url: o.notify_url,
      };
    });
  }

  /** Injects a fault (see faults.ts); returns it with its id. */
  fault(spec: FaultSpec): ActiveFault {
    return this.faultList.add(parseFault(spec));
  }
  faults(): ActiveFault[] {
    return this.faultList.active();
  }
  /** Replaces the bill faults (see BillFaults in bills.ts); `{}` clears them. */
  billFaults(spec: BillFaults): BillFaults {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec))
      throw new ControlError(400, 'PARAM_ERROR', 'bill faults must be an object');
    const known = ['unknown_paid_row', 'change_amount', 'drop_row', 'corrupt_hash', 'truncate', 'malformed_row', 'not_ready'];
    const bad = Object.keys(spec).filter((k) => !known.includes(k));
    if (bad.length) throw new ControlError(400, 'PARAM_ERROR', `unknown bill faults ${bad.join(', ')}; known: ${known.join(', ')}`);
    this.billFaultSet = { ...spec };
    return this.billFaultSet;
  }

  clearFaults(): void {
    this.faultList.clear();
  }

  /** POSTs a WECHATPAY/SIGNTEST/ probe notification to `url`; a correct receiver answers 4xx/5xx. */
  probe(p: { url: string; sp_mchid?: string }): Promise<Delivery> {
    if (!p?.url || !/^https?:\/\//.test(p.url)) throw new ControlError(400, 'PARAM_ERROR', 'url must be an http(s) URL');
    return this.notifier.probe(p.url, p.sp_mchid ? this.state.providers.get(p.sp_mchid) : undefined);
  }

  /** API requests received, oldest first. */
  calls(): CallRecord[] {
    return this.api.calls.map((c) => ({ ...c }));
  }
  /** Notification delivery attempts, oldest first. */
  deliveries(): Delivery[] {
    return this.notifier.deliveries();
  }
  /** Empties the call and delivery logs. */
  clearLogs(): void {
    this.api.calls.length = 0;
    this.notifier.clearLog();
  }

  /** Turns automatic refund success on (simulator-time ms) or off (undefined). */
  configure(s: { refund_auto_finish_ms?: number | null }): { refund_auto_finish_ms: number | null } {
    if (s.refund_auto_finish_ms !== undefined) {
      const v = s.refund_auto_finish_ms;
      if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0))
        throw new ControlError(400, 'PARAM_ERROR', 'refund_auto_finish_ms must be a non-negative integer or null');
      this.core.options.refundAutoFinishMs = v ?? undefined;
    }
    return { refund_auto_finish_ms: this.core.options.refundAutoFinishMs ?? null };
  }

  /**
   * Finishes a PROCESSING split or unfreeze: every row SUCCESS except the accounts in `closed`
   * (account -> fail_reason, e.g. {"1900000001": "NO_RELATION"}): the partial-failure control.
   */
  finishSplit(r: { out_order_no: string; sp_mchid?: string; closed?: Record<string, string> }): Record<string, unknown> {
    const found = [...this.ps.splits.values()].filter(
      (s) => s.out_order_no === r?.out_order_no && (!r.sp_mchid || s.sp_mchid === r.sp_mchid),
    );
    if (found.length !== 1)
      throw new ControlError(found.length ? 409 : 404, found.length ? 'AMBIGUOUS' : 'RESOURCE_NOT_EXISTS', 'no single such split');
    const closed = r.closed ?? {};
    if (typeof closed !== 'object' || Object.values(closed).some((v) => typeof v !== 'string'))
      throw new ControlError(400, 'PARAM_ERROR', 'closed maps receiver accounts to fail_reason strings');
    return this.ps.splitView(this.ps.finish(found[0], closed));
  }

  /** Finishes a PROCESSING return as SUCCESS or FAILED (with fail_reason, default BALANCE_NOT_ENOUGH). */
  finishReturn(r: {
    out_return_no: string;
    sp_mchid?: string;
    result: 'SUCCESS' | 'FAILED';
    fail_reason?: string;
  }): Record<string, unknown> {
    if (r?.result !== 'SUCCESS' && r?.result !== 'FAILED') throw new ControlError(400, 'PARAM_ERROR', 'result must be SUCCESS or FAILED');
    const found = [...this.ps.returns.values()].filter(
      (x: SimReturn) => x.out_return_no === r.out_return_no && (!r.sp_mchid || x.sp_mchid === r.sp_mchid),
    );
    if (found.length !== 1)
      throw new ControlError(found.length ? 409 : 404, found.length ? 'AMBIGUOUS' : 'RESOURCE_NOT_EXISTS', 'no single such return');
    return this.ps.returnView(this.ps.finishReturn(found[0], r.result, r.fail_reason));
  }

  /**
   * Profit-sharing settings: a sub-merchant's max_ratio (万分比), the fee rate, receivers that refuse
   * returns, PROCESSING returns, automatic finishing of splits (simulator-time ms, null = off).
   */
  configureProfitSharing(s: {
    sub_mchid?: string;
    max_ratio?: number;
    fee_rate?: number;
    refuse_returns?: string[];
    returns_processing?: boolean;
    auto_finish_ms?: number | null;
    omit_receivers?: boolean;
  }): Record<string, unknown> {
    const int = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
    if (s.max_ratio !== undefined) {
      if (!s.sub_mchid || !int(s.max_ratio, 10_000)) throw new ControlError(400, 'PARAM_ERROR', 'max_ratio (0-10000) needs sub_mchid');
      this.ps.maxRatio.set(s.sub_mchid, s.max_ratio);
    }
    if (s.fee_rate !== undefined) {
      if (typeof s.fee_rate !== 'number' || s.fee_rate < 0 || s.fee_rate >= 1)
        throw new ControlError(400, 'PARAM_ERROR', 'fee_rate is 0 <= x < 1');
      this.ps.settings.fee_rate = s.fee_rate;
    }
    if (s.refuse_returns !== undefined) {
      if (!Array.isArray(s.refuse_returns)) throw new ControlError(400, 'PARAM_ERROR', 'refuse_returns is a list of mchids');
      this.ps.refusesReturns.clear();
      for (const m of s.refuse_returns) this.ps.refusesReturns.add(String(m));
    }
    if (s.returns_processing !== undefined) this.ps.settings.returns_processing = s.returns_processing === true;
    if (s.omit_receivers !== undefined) this.ps.settings.omit_receivers = s.omit_receivers === true;
    if (s.auto_finish_ms !== undefined) {
      if (s.auto_finish_ms !== null && !int(s.auto_finish_ms, Number.MAX_SAFE_INTEGER))
        throw new ControlError(400, 'PARAM_ERROR', 'auto_finish_ms is a non-negative integer or null');
      this.ps.settings.auto_finish_ms = s.auto_finish_ms ?? undefined;
    }
    return { ...this.ps.settings, ...(s.sub_mchid ? { sub_mchid: s.sub_mchid, max_ratio: this.ps.ratioOf(s.sub_mchid) } : {}) };
  }

  /** Simulator time (ms). */
  now(): number {
    return this.scheduler.now();
  }
  /** Moves simulator time forward and runs the retries and delayed work that became due. */
  advance(ms: number): Promise<void> {
    return this.scheduler.advance(ms);
  }
  /** Runs the work due by now and waits for deliveries in flight. */
  flushDue(): Promise<void> {
    return this.scheduler.flushDue();
  }
  /** Scheduled work not yet due (retries, delayed deliveries, auto-finishing refunds). */
  pending(): number {
    return this.scheduler.pending();
  }
  /** The pending scheduled work, soonest first: `{id, kind, at}` (simulator time). */
  scheduled(): Array<{ id: number; kind: string; at: number }> {
    return this.scheduler.list();
  }

  /** Stops timers and deliveries and drops connections held by timeout faults. */
  async close(): Promise<void> {
    await Promise.all([...this.namespaces.values()].map((n) => n.close()));
    this.component.stop();
    this.scheduler.stop();
    this.notifier.stop();
    this.api.releaseHung();
    await this.scheduler.idle();
    this.keeper.close();
  }
}
