import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { encryptResource, rfc3339, type Clock, type WxpayLogger as Logger } from '@partnerpay/wxpay';
import type { PlatformIdentity } from './keys';
import { LOG_CAP, type ServiceProvider } from './state';
import type { SimScheduler } from './scheduler';
import type { Faults } from './faults';
import { serialFor, wechatpayHeaders } from './auth';

/** WeChat Pay's notification retry schedule after a failed or unanswered delivery (spec §7: 15 retries over 24h4m). */
export const RETRY_SCHEDULE_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map(
  (s) => s * 1000,
);

/** One delivery attempt, as the delivery log records it. */
export interface Delivery {
  url: string;
  event_id: string;
  event_type: string;
  /** 1 for the first attempt, 2.. for retries. */
  attempt: number;
  /** 1.. when a duplicate_notifications fault sends several copies at once. */
  copy: number;
  /** HTTP status answered, or 0 when the request failed (timeout, refused). */
  status: number;
  /** True when the answer was 200 or 204 (delivered). */
  ok: boolean;
  /** Simulator time (ms) of the attempt. */
  at: number;
  /** Set on WECHATPAY/SIGNTEST/ probes. */
  probe?: boolean;
  error?: string;
}

export interface NotifyEvent {
  provider: ServiceProvider;
  url: string;
  event_type: string;
  summary: string;
  original_type: 'transaction' | 'refund' | 'complaint';
  resource: Record<string, unknown>;
}

interface Envelope {
  id: string;
  event_type: string;
  url: string;
  provider: ServiceProvider;
  body: string;
  copies: number;
}

const USER_AGENT = 'Mozilla/4.0 (wechatpay-simulator)';

/** Delivers notifications exactly as WeChat Pay does: encrypted resource, signed headers, retried until 200/204 or the schedule ends. */
export class NotificationDispatcher {
  private readonly log: Delivery[] = [];
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly identity: PlatformIdentity,
    private readonly scheduler: SimScheduler,
    private readonly wall: Clock,
    private readonly faults: Faults,
    private readonly logger?: Logger,
    private readonly timeoutMs = 5000,
  ) {
    scheduler.handle<{ env: Envelope; attempt: number; signtest: boolean }>('notification.attempt', (a) =>
      this.attempt(a.env, a.attempt, a.signtest),
    );
  }

  deliveries(): Delivery[] {
    return this.log.map((d) => ({ ...d }));
  }

  clearLog(): void {
    this.log.length = 0;
  }

  /**
   * Sends a notification. Resolves once the first attempt has been answered (or, under a
   * delay_notifications fault, once it is scheduled); retries run on the scheduler.
   */
  async send(ev: NotifyEvent): Promise<{ event_id: string }> {
    const faults = this.faults.takeNotification(ev.event_type);
    const dup = faults.find((f) => f.kind === 'duplicate_notifications');
    const delay = faults.find((f) => f.kind === 'delay_notifications');
    const signtest = faults.some((f) => f.kind === 'signtest_notifications');
    const id = randomUUID();
    if (faults.some((f) => f.kind === 'drop_notifications')) {
      this.log.push({
        url: ev.url,
        event_id: id,
        event_type: ev.event_type,
        attempt: 0,
        copy: 0,
        status: 0,
        ok: false,
        at: this.scheduler.now(),
        error: 'dropped (drop_notifications fault)',
      });
      return { event_id: id };
    }
    const body = JSON.stringify({
      id,
      create_time: rfc3339(this.wall.now()),
      resource_type: 'encrypt-resource',
      event_type: ev.event_type,
      summary: ev.summary,
      resource: {
        original_type: ev.original_type,
        ...encryptResource(JSON.stringify(ev.resource), ev.provider.apiv3Key, ev.original_type),
      },
    });
    const env: Envelope = {
      id,
      event_type: ev.event_type,
      url: ev.url,
      provider: ev.provider,
      body,
      copies: dup && 'times' in dup ? dup.times : 1,
    };
    if (delay && 'delay_ms' in delay) {
      this.scheduler.schedule('notification.attempt', delay.delay_ms, { env, attempt: 1, signtest });
    } else {
      await this.scheduler.track(() => this.attempt(env, 1, signtest));
    }
    return { event_id: id };
  }

  /** Sends a WECHATPAY/SIGNTEST/ probe (a wrong signature a correct receiver must refuse with 4xx/5xx). */
  async probe(url: string, provider?: ServiceProvider): Promise<Delivery> {
    const id = randomUUID();
    const key = provider?.apiv3Key ?? randomBytes(16).toString('hex');
    const body = JSON.stringify({
      id,
      create_time: rfc3339(this.wall.now()),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: { original_type: 'transaction', ...encryptResource(JSON.stringify({ probe: true }), key, 'transaction') },
    });
    const [d] = await this.post(
      { id, event_type: 'TRANSACTION.SUCCESS', url, provider: provider as ServiceProvider, body, copies: 1 },
      1,
      true,
    );
    return d;
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private async attempt(env: Envelope, attempt: number, signtest: boolean): Promise<void> {
    if (this.stopped) return;
    const results = await this.post(env, attempt, signtest);
    if (results.some((d) => d.ok)) return;
    const wait = RETRY_SCHEDULE_MS[attempt - 1];
    // An undeliverable notification is what leaves an order NOTPAY: say so, with where it went and what came back.
    const d = results[0];
    this.logger?.warn(
      { event_id: env.id, event_type: env.event_type, url: env.url, attempt, status: d?.status, error: d?.error, retry_in_ms: wait },
      'simulator: notification not delivered',
    );
    if (wait === undefined) {
      this.logger?.warn({ event_id: env.id, url: env.url }, 'simulator: notification abandoned after the last retry');
      return;
    }
    this.scheduler.schedule('notification.attempt', wait, { env, attempt: attempt + 1, signtest: false });
  }

  private async post(env: Envelope, attempt: number, signtest: boolean): Promise<Delivery[]> {
    const at = this.scheduler.now();
    const serial = env.provider ? serialFor(this.identity, env.provider) : this.identity.publicKeyId;
    const copies = Array.from({ length: env.copies }, (_, i) => i + 1);
    return Promise.all(
      copies.map(async (copy) => {
        const headers = {
          'Content-Type': 'application/json',
          Accept: '*/*',
          'User-Agent': USER_AGENT,
          'Request-ID': randomBytes(16).toString('hex').toUpperCase(),
          ...wechatpayHeaders(this.identity, serial, env.body, Math.floor(this.wall.now() / 1000), { signtest }),
        };
        const d: Delivery = {
          url: env.url,
          event_id: env.id,
          event_type: env.event_type,
          attempt,
          copy,
          status: 0,
          ok: false,
          at,
          ...(signtest ? { probe: true } : {}),
        };
        try {
          const res = await request(env.url, {
            method: 'POST',
            headers,
            body: env.body,
            headersTimeout: this.timeoutMs,
            bodyTimeout: this.timeoutMs,
            signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.timeoutMs)]),
          });
          await res.body.dump();
          d.status = res.statusCode;
          d.ok = res.statusCode === 200 || res.statusCode === 204;
        } catch (err) {
          d.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        }
        this.log.push(d);
        if (this.log.length > LOG_CAP) this.log.splice(0, this.log.length - LOG_CAP);
        return d;
      }),
    );
  }
}
