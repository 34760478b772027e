import type { EventRepository } from './event.repository';
import type { EventDeliveryAttemptRecord } from './event.entity';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import { webhookSignatureHeader } from './webhook-signature';
import type { TenantDirectory } from '../tenancy';
import { retryDelayMs } from './retry-schedule';
import type { SendResult, WebhookSender } from './webhook-sender';

/** An event this process holds the lease on, until it settles it or the lease runs out. */
export interface ClaimedEvent {
  id: string;
  tenantId: string;
  payload: string;
  /** The attempt number this claim is (the guard of its outcome update). */
  attempts: number;
  retryBase: number;
}

export interface DispatcherOptions {
  /** Events claimed per round, delivered concurrently. */
  batchSize?: number;
  /** Rounds per run while full batches keep coming (a backstop; maxRunMs is the bound that matters). */
  maxRoundsPerRun?: number;
  /** A run stops claiming new batches after this long, so one tick never holds the job (and a shutdown) for long. */
  maxRunMs?: number;
  /** How long a claim keeps others off an event; a crashed process's events come back after it. Must exceed a delivery's timeouts. */
  leaseMs?: number;
  /** Told of each settled attempt (metrics): its status and the time since the event was recorded. */
  onSettled?(e: { tenantId: string; spMchid?: string }, status: 'delivered' | 'retry' | 'failed', delaySeconds?: number): void;
}

/**
 * The outbox dispatcher: claims due events (pending ones, and delivering ones whose lease ran out),
 * POSTs each to its own tenant's webhook outside any transaction, then settles it with an UPDATE
 * guarded by (status, attempts), so a stale process can never overwrite a newer claim's outcome.
 * At-least-once: a process that dies between POST and settle leaves the event to be sent again.
 */
export class EventDispatcher {
  private readonly batchSize: number;
  private readonly maxRounds: number;
  private readonly maxRunMs: number;
  readonly leaseMs: number;
  private readonly onSettled?: DispatcherOptions['onSettled'];

  constructor(
    private readonly repo: EventRepository,
    private readonly clock: Clock,
    private readonly tenants: () => TenantDirectory,
    private readonly sender: WebhookSender,
    private readonly logger: Logger,
    opts: DispatcherOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 20;
    // Not 10 rounds (200 events, i.e. a cap of 40 events/s at one tick per 5 s): a burst is delivered in the
    // tick that sees it, as fast as the receivers answer, up to maxRunMs.
    this.maxRounds = opts.maxRoundsPerRun ?? 10_000;
    this.maxRunMs = opts.maxRunMs ?? 5_000;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.onSettled = opts.onSettled;
  }

  /** One job tick: claim and deliver due events while full batches come (up to maxRunMs). Answers how many were attempted. */
  async runOnce(): Promise<number> {
    await this.releaseUndeliverable().catch((err) => this.logger.error({ err }, 'undeliverable events could not be released'));
    let total = 0;
    // Real time, not the app's clock: a test's ManualClock would never end the run.
    const stopAt = Date.now() + this.maxRunMs;
    for (let round = 0; round < this.maxRounds && Date.now() < stopAt; round++) {
      const claimed = await this.claim(this.batchSize);
      const sent = await Promise.all(claimed.map((e) => this.attempt(e)));
      await this.settleBatch(sent.filter((a): a is Attempted => a !== undefined));
      total += claimed.length;
      if (claimed.length < this.batchSize) break;
    }
    return total;
  }

  /** Undeliverable events of tenants that now have a webhook_url are due again (delivered like any other). */
  async releaseUndeliverable(): Promise<number> {
    let released = 0;
    for (const tenantId of await this.repo.undeliverableTenants(100)) {
      const tenant = await this.tenants().byId(tenantId);
      if (tenant?.webhookUrl) released += await this.repo.release(tenantId, this.clock.now());
    }
    return released;
  }

  /** Claims up to `limit` due events: marks them delivering, counts the attempt and leases them until now + leaseMs. */
  async claim(limit: number): Promise<ClaimedEvent[]> {
    const now = this.clock.now();
    const rows = await this.repo.claim(now, now + this.leaseMs, limit);
    return rows.map((r) => ({ id: r.id, tenantId: r.tenantId, payload: r.payload, attempts: r.attempts + 1, retryBase: r.retryBase }));
  }

  /** Sends one claimed event to its own tenant's current webhook_url and settles the outcome; never throws. */
  async deliver(e: ClaimedEvent): Promise<void> {
    const a = await this.attempt(e);
    if (a) await this.settleOne(a);
  }

  /**
   * Settles a batch's attempts: the successful ones (grouped by HTTP status) in one transaction per
   * group, the rest, and any group in which some event was claimed anew meanwhile, one by one. Never throws.
   */
  private async settleBatch(list: Attempted[]): Promise<void> {
    const groups = new Map<number, Attempted[]>();
    const single: Attempted[] = [];
    for (const a of list) {
      if (a.result.ok && a.result.httpStatus !== null) groups.set(a.result.httpStatus, [...(groups.get(a.result.httpStatus) ?? []), a]);
      else single.push(a);
    }
    for (const [httpStatus, group] of groups) {
      if (group.length === 1) {
        single.push(group[0]);
        continue;
      }
      const now = this.clock.now();
      let settled = false;
      try {
        settled = await this.repo.settleDelivered(
          group.map((a) => attemptRecord(a)),
          httpStatus,
          now,
        );
      } catch (err) {
        this.logger.error({ err, events: group.length }, 'a batch of event outcomes could not be recorded; recording them one by one');
      }
      if (!settled) {
        single.push(...group);
        continue;
      }
      for (const a of group) {
        this.logger.info(
          {
            event_id: a.e.id,
            tenant_id: a.e.tenantId,
            attempt: a.e.attempts,
            http_status: httpStatus,
            duration_ms: a.result.durationMs,
            status: 'delivered',
          },
          'event delivered',
        );
        this.onSettled?.({ tenantId: a.e.tenantId, spMchid: a.spMchid }, 'delivered', recordedAgoSeconds(a.e.payload, now));
      }
    }
    await Promise.all(single.map((a) => this.settleOne(a)));
  }

  /** Records one attempt's outcome; never throws. */
  private async settleOne(a: Attempted): Promise<void> {
    try {
      const status = await this.settle(a.e, a.at, a.url, a.result);
      if (status && this.onSettled)
        this.onSettled({ tenantId: a.e.tenantId, spMchid: a.spMchid }, status, recordedAgoSeconds(a.e.payload, this.clock.now()));
    } catch (err) {
      // The lease runs out and the event is claimed again: delivered at least once.
      this.logger.error({ err, event_id: a.e.id }, 'event outcome could not be recorded');
    }
  }

  /** POSTs one claimed event to its tenant's webhook (or parks it: undefined); never throws. */
  private async attempt(e: ClaimedEvent): Promise<Attempted | undefined> {
    const at = this.clock.now();
    let url = '';
    let spMchid: string | undefined;
    let result: SendResult;
    try {
      const tenants = this.tenants();
      const tenant = await tenants.byId(e.tenantId);
      spMchid = tenant?.spMchid;
      url = tenant?.webhookUrl ?? '';
      const secrets = tenant ? await tenants.webhookSecrets(tenant.id) : [];
      if (!tenant) result = failure('the tenant no longer exists');
      else if (!url) {
        // Nowhere to send it: kept as undeliverable, no attempt and no warning, until a URL is set.
        await this.repo.park(e.id, e.attempts);
        return undefined;
      } else if (secrets.length === 0) result = failure('the tenant has no active webhook secret');
      else {
        const signature = webhookSignatureHeader(
          secrets.map((s) => s.secret),
          Math.floor(this.clock.now() / 1000),
          e.payload,
        );
        result = await this.sender.send(url, { 'partnerpay-signature': signature, 'partnerpay-event-id': e.id }, e.payload);
      }
    } catch (err) {
      // e.g. the tenant directory is unreachable: the attempt counts, and the schedule goes on.
      this.logger.error({ err, event_id: e.id }, 'event delivery could not be attempted');
      result = failure('internal error before sending');
    }
    return { e, at, url, spMchid, result };
  }

  /** Records the attempt's outcome; answers what became of the event (undefined when a newer claim superseded this one). */
  private async settle(e: ClaimedEvent, at: number, url: string, r: SendResult): Promise<'delivered' | 'retry' | 'failed' | undefined> {
    const now = this.clock.now();
    const delay = r.ok ? undefined : retryDelayMs(e.attempts - e.retryBase);
    const status = r.ok ? 'delivered' : delay === undefined ? 'failed' : 'pending';
    const log = {
      event_id: e.id,
      tenant_id: e.tenantId,
      attempt: e.attempts,
      http_status: r.httpStatus,
      duration_ms: r.durationMs,
      status,
    };
    const settled = await this.repo.settle(attemptRecord({ e, at, url, result: r }), {
      status,
      nextAttemptAt: now + (delay ?? 0),
      lastStatus: r.httpStatus,
      lastError: r.error?.slice(0, 255) ?? null,
      deliveredAt: r.ok ? now : null,
    });
    if (!settled) this.logger.warn(log, 'event outcome discarded: the claim was superseded after its lease ran out');
    else if (r.ok) this.logger.info(log, 'event delivered');
    else
      this.logger.warn(
        { ...log, error: r.error },
        status === 'failed' ? 'event delivery failed for good' : 'event delivery failed; will retry',
      );
    if (!settled) return undefined;
    return status === 'pending' ? 'retry' : status;
  }
}

/** One POST made (or refused before sending) for a claimed event, not yet recorded. */
interface Attempted {
  e: ClaimedEvent;
  at: number;
  url: string;
  spMchid?: string;
  result: SendResult;
}

/** The event_delivery_attempt row of an attempt. */
function attemptRecord(a: Pick<Attempted, 'e' | 'at' | 'url' | 'result'>): EventDeliveryAttemptRecord {
  return {
    eventId: a.e.id,
    attempt: a.e.attempts,
    at: a.at,
    url: a.url.slice(0, 2048),
    httpStatus: a.result.httpStatus,
    durationMs: a.result.durationMs,
    responseSnippet: a.result.snippet?.slice(0, 255) ?? null,
    error: a.result.error?.slice(0, 255) ?? null,
  };
}

/** Seconds since the event's created_at, read from the head of its serialized body (no JSON parse). */
function recordedAgoSeconds(payload: string, nowMs: number): number | undefined {
  const m = /"created_at":"([^"]{20,40})"/.exec(payload.slice(0, 200));
  const at = m ? Date.parse(m[1]) : NaN;
  return Number.isFinite(at) ? (nowMs - at) / 1000 : undefined;
}

function failure(error: string): SendResult {
  return { ok: false, httpStatus: null, durationMs: 0, snippet: null, error };
}
