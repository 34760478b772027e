import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { complaintGauges, type ComplaintGaugeRow } from './complaint-gauges';
import type { WxpayCallObserver } from '@partnerpay/wxpay';

/** Label used when a message names no tenant we know (an unknown notify path): never the raw value. */
export const UNKNOWN = 'unknown';

/** What `partnerpay_outbox_backlog` reads on each scrape (one grouped COUNT, see OutboxBacklog). */
export interface BacklogRow {
  spMchid: string;
  tenantId: string;
  count: number;
  oldestMs: number | null;
}

/** One open-platform account as its gauges read it on scrape. */
export interface OpenPlatformGaugeRow {
  componentAppid: string;
  /** Seconds since the latest component_verify_ticket arrived (since registration when none has). */
  ticketAgeSeconds: number;
  /** Seconds the stored component_access_token has left (negative: expired), null when there is none. */
  tokenExpiresInSeconds: number | null;
}

/** The InfoTypes counted by name; any other is `other` (the label stays bounded whatever WeChat sends). */
const PUSH_INFO_TYPES = new Set(['component_verify_ticket', 'authorized', 'updateauthorized', 'unauthorized', 'none']);

/** The outbox's undelivered events per tenant (TOKENS.OutboxBacklog, bound by the events module). */
export interface OutboxBacklog {
  backlog(): Promise<BacklogRow[]>;
}

const BACKLOG_TIMEOUT_MS = 2_000;

/**
 * Caches the backlog query for `cacheMs` (several scrapers cost one COUNT per window) and bounds it,
 * so a slow database never hangs a scrape (the gauges keep their last values).
 */
export function backlogSource(read: () => Promise<BacklogRow[]>, cacheMs: number): () => Promise<BacklogRow[]> {
  let cached: { at: number; rows: Promise<BacklogRow[]> } | undefined;
  let last: BacklogRow[] = [];
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<BacklogRow[]>((resolve) => (timer = setTimeout(() => resolve(last), BACKLOG_TIMEOUT_MS)));
      const rows = Promise.race([read().then((r) => (last = r)), timeout])
        .catch(() => last)
        .finally(() => clearTimeout(timer));
      cached = { at: now, rows };
    }
    return cached.rows;
  };
}

const DELAY_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21600];
const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const TRADE_TYPES = new Set(['JSAPI', 'NATIVE', 'H5', 'APP', 'MICROPAY']);
/** A bounded trade_type label: the contract's modes, `other` for anything else. */
const tradeTypeLabel = (t: unknown): string => (typeof t === 'string' && TRADE_TYPES.has(t) ? t : 'other');

/**
 * The app's Prometheus metrics, in a Registry of its own (tests run many apps in one process, so
 * nothing goes to prom-client's global registry). Every method is a counter or histogram update:
 * O(1), no I/O, safe on hot paths. Labels are bounded: sp_mchid, tenant_id, small enums, and route
 * templates; never out_trade_no, openid or a URL.
 */
export class Metrics implements WxpayCallObserver {
  readonly registry = new Registry();
  private readonly ordersCreated: Counter<'sp_mchid' | 'tenant_id' | 'trade_type'>;
  private readonly ordersPaid: Counter<'sp_mchid' | 'tenant_id' | 'trade_type'>;
  private readonly notifications: Counter<'sp_mchid' | 'tenant_id' | 'kind' | 'outcome' | 'check'>;
  private readonly notificationDelay: Histogram<'sp_mchid' | 'tenant_id' | 'kind'>;
  private readonly verifications: Counter<'sp_mchid' | 'key' | 'result'>;
  private readonly wxpayCalls: Counter<'sp_mchid' | 'endpoint' | 'result'>;
  private readonly wxpayLatency: Histogram<'sp_mchid' | 'endpoint' | 'result'>;
  private readonly deliveries: Counter<'sp_mchid' | 'tenant_id' | 'result'>;
  private readonly deliveryDelay: Histogram<'sp_mchid' | 'tenant_id' | 'result'>;
  private readonly componentTokenRefreshes: Counter<'component_appid' | 'result'>;
  private readonly openPlatformPushes: Counter<'component_appid' | 'info_type' | 'outcome'>;
  private backlogSource?: () => Promise<BacklogRow[]>;
  private openPlatformSource?: () => Promise<OpenPlatformGaugeRow[]>;
  private complaintSource?: () => Promise<ComplaintGaugeRow[]>;
  /** tenant_id → sp_mchid, learned where both are at hand, so callers that know only the tenant still label both. */
  private readonly providerOf = new Map<string, string>();

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'partnerpay_' });
    this.ordersCreated = new Counter({
      name: 'partnerpay_orders_created_total',
      help: 'Orders created (201) through POST /v1/orders, by payment mode (trade_type)',
      labelNames: ['sp_mchid', 'tenant_id', 'trade_type'],
      registers,
    });
    this.ordersPaid = new Counter({
      name: 'partnerpay_orders_paid_total',
      help: 'Orders that became paid (SUCCESS), by notification, query or reconciliation, by payment mode (trade_type)',
      labelNames: ['sp_mchid', 'tenant_id', 'trade_type'],
      registers,
    });
    this.notifications = new Counter({
      name: 'partnerpay_notifications_received_total',
      help: 'WeChat Pay notifications received, by outcome and, for refusals, the check that refused them',
      labelNames: ['sp_mchid', 'tenant_id', 'kind', 'outcome', 'check'],
      registers,
    });
    this.notificationDelay = new Histogram({
      name: 'partnerpay_notification_delay_seconds',
      help: 'From the payment success_time to the arrival of its accepted notification',
      labelNames: ['sp_mchid', 'tenant_id', 'kind'],
      buckets: DELAY_BUCKETS,
      registers,
    });
    this.verifications = new Counter({
      name: 'partnerpay_wxpay_verifications_total',
      help: 'WeChat Pay signatures checked (answers and notifications): key = public_key or the platform certificate serial',
      labelNames: ['sp_mchid', 'key', 'result'],
      registers,
    });
    this.wxpayCalls = new Counter({
      name: 'partnerpay_wxpay_requests_total',
      help: 'HTTP attempts to WeChat Pay by endpoint template and result',
      labelNames: ['sp_mchid', 'endpoint', 'result'],
      registers,
    });
    this.wxpayLatency = new Histogram({
      name: 'partnerpay_wxpay_request_duration_seconds',
      help: 'Latency of HTTP attempts to WeChat Pay',
      labelNames: ['sp_mchid', 'endpoint', 'result'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.deliveries = new Counter({
      name: 'partnerpay_event_deliveries_total',
      help: 'Webhook delivery attempts to tenants: delivered, retry (failed, will retry) or failed (gave up)',
      labelNames: ['sp_mchid', 'tenant_id', 'result'],
      registers,
    });
    this.deliveryDelay = new Histogram({
      name: 'partnerpay_event_delivery_delay_seconds',
      help: 'From the event being recorded to this delivery attempt finishing',
      labelNames: ['sp_mchid', 'tenant_id', 'result'],
      buckets: DELAY_BUCKETS,
      registers,
    });
    this.componentTokenRefreshes = new Counter({
      name: 'partnerpay_open_platform_token_refreshes_total',
      help: 'component_access_token fetches from WeChat per open-platform AppID: ok or failed',
      labelNames: ['component_appid', 'result'],
      registers,
    });
    this.openPlatformPushes = new Counter({
      name: 'partnerpay_open_platform_pushes_total',
      help: 'Pushes from WeChat to /open-platform/{component_appid}/events by InfoType: accepted, refused (4xx) or error (5xx)',
      labelNames: ['component_appid', 'info_type', 'outcome'],
      registers,
    });
    const openPlatform = () => this.openPlatformSource?.() ?? Promise.resolve([]);
    new Gauge({
      name: 'partnerpay_open_platform_ticket_age_seconds',
      help: 'Age of the latest component_verify_ticket per open-platform AppID (pushed every 10 minutes; since registration if none came)',
      labelNames: ['component_appid'],
      registers,
      async collect() {
        this.reset();
        for (const r of await openPlatform()) this.set({ component_appid: r.componentAppid }, r.ticketAgeSeconds);
      },
    });
    new Gauge({
      name: 'partnerpay_open_platform_token_expires_in_seconds',
      help: 'Seconds the stored component_access_token has left per open-platform AppID (negative: expired)',
      labelNames: ['component_appid'],
      registers,
      async collect() {
        this.reset();
        for (const r of await openPlatform())
          if (r.tokenExpiresInSeconds !== null) this.set({ component_appid: r.componentAppid }, r.tokenExpiresInSeconds);
      },
    });
    complaintGauges(registers, () => this.complaintSource?.() ?? Promise.resolve([]));
    const backlog = () => this.backlogSource?.() ?? Promise.resolve([]);
    new Gauge({
      name: 'partnerpay_outbox_backlog',
      help: 'Events not yet delivered (pending or being delivered), per tenant',
      labelNames: ['sp_mchid', 'tenant_id'],
      registers,
      async collect() {
        this.reset();
        for (const r of await backlog()) this.set({ sp_mchid: r.spMchid, tenant_id: r.tenantId }, r.count);
      },
    });
    new Gauge({
      name: 'partnerpay_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest undelivered event, per tenant',
      labelNames: ['sp_mchid', 'tenant_id'],
      registers,
      async collect() {
        this.reset();
        const now = Date.now();
        for (const r of await backlog())
          if (r.oldestMs !== null) this.set({ sp_mchid: r.spMchid, tenant_id: r.tenantId }, Math.max(0, (now - r.oldestMs) / 1000));
      },
    });
  }

  /** Where the backlog gauges read from on scrape (bound by the platform module). */
  setBacklogSource(source: () => Promise<BacklogRow[]>): void {
    this.backlogSource = source;
  }

  /** Where the open-platform gauges read from on scrape (bound by the open-platform module). */
  setOpenPlatformSource(source: () => Promise<OpenPlatformGaugeRow[]>): void {
    this.openPlatformSource = source;
  }

  /** Where the complaint gauges read from on scrape (bound by the complaints module). */
  setComplaintSource(source: () => Promise<ComplaintGaugeRow[]>): void {
    this.complaintSource = source;
  }

  /** One component_access_token fetch. */
  componentTokenRefresh(componentAppid: string, result: 'ok' | 'failed'): void {
    this.componentTokenRefreshes.inc({ component_appid: componentAppid, result });
  }

  /** One push to the events URL (`unknown` for an AppID that is not registered: never the raw value). */
  openPlatformPush(componentAppid: string, infoType: string, outcome: 'accepted' | 'refused' | 'error'): void {
    this.openPlatformPushes.inc({
      component_appid: componentAppid,
      info_type: PUSH_INFO_TYPES.has(infoType) ? infoType : 'other',
      outcome,
    });
  }

  /** Remembers which provider a tenant belongs to (bounded: one entry per tenant). */
  learnTenant(tenantId: string, spMchid: string): void {
    if (this.providerOf.get(tenantId) !== spMchid && this.providerOf.size < 100_000) this.providerOf.set(tenantId, spMchid);
  }

  private sp(tenantId: string): string {
    return this.providerOf.get(tenantId) ?? UNKNOWN;
  }

  /** One order created; `tradeType` is the order's mode (JSAPI, NATIVE, H5, APP, MICROPAY; `other` for anything else). */
  orderCreated(spMchid: string, tenantId: string, tradeType: unknown = 'JSAPI'): void {
    this.learnTenant(tenantId, spMchid);
    this.ordersCreated.inc({ sp_mchid: spMchid, tenant_id: tenantId, trade_type: tradeTypeLabel(tradeType) });
  }

  /** One order became paid, by mode (see orderCreated). */
  orderPaid(tenantId: string, tradeType: unknown = 'JSAPI'): void {
    this.ordersPaid.inc({ sp_mchid: this.sp(tenantId), tenant_id: tenantId, trade_type: tradeTypeLabel(tradeType) });
  }

  /** One notification's fate; `check` names the refusal check (`none` when not refused). */
  notification(spMchid: string, tenantId: string, kind: string, outcome: string, check = 'none'): void {
    this.notifications.inc({ sp_mchid: spMchid, tenant_id: tenantId, kind, outcome, check });
  }

  notificationDelaySeconds(spMchid: string, tenantId: string, kind: string, seconds: number): void {
    if (Number.isFinite(seconds)) this.notificationDelay.observe({ sp_mchid: spMchid, tenant_id: tenantId, kind }, Math.max(0, seconds));
  }

  /** One signature check: `key` is `public_key` or the certificate serial; `result` is `ok` or the failure reason. */
  verification(spMchid: string, key: string, result: string): void {
    this.verifications.inc({ sp_mchid: spMchid, key, result });
  }

  onCall(spMchid: string, endpoint: string, result: string, seconds: number): void {
    this.wxpayCalls.inc({ sp_mchid: spMchid, endpoint, result });
    this.wxpayLatency.observe({ sp_mchid: spMchid, endpoint, result }, seconds);
  }

  delivery(tenantId: string, result: 'delivered' | 'retry' | 'failed', delaySeconds: number | undefined): void {
    const labels = { sp_mchid: this.sp(tenantId), tenant_id: tenantId, result };
    this.deliveries.inc(labels);
    if (delaySeconds !== undefined && Number.isFinite(delaySeconds)) this.deliveryDelay.observe(labels, Math.max(0, delaySeconds));
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
