import type { AuditLog, WriteContext } from '../operators';
import { rfc3339, type Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors/errors';
import { rows } from '../../platform/db/sql';
import type { EventRecord, EventStatus } from './event.entity';
import type { EventType } from './outbox';
import type { EventRepository } from './event.repository';

/** An event as the APIs show it: the delivered body plus its delivery state. */
export interface EventView {
  id: string;
  type: EventType;
  created_at: string;
  data: Record<string, unknown>;
  tenant_id?: string;
  delivery: {
    status: EventStatus;
    attempts: number;
    next_attempt_at: string | null;
    last_attempt_at: string | null;
    last_http_status: number | null;
    last_error: string | null;
    delivered_at: string | null;
  };
}

export interface AttemptView {
  attempt: number;
  at: string;
  url: string;
  http_status: number | null;
  duration_ms: number;
  response_snippet: string | null;
  error: string | null;
}

export interface EventFilter {
  tenantId?: string;
  type?: string;
  status?: EventStatus;
  createdFrom?: number;
  createdTo?: number;
  limit: number;
  cursor?: string;
}

const time = (v: number | null | undefined) => (v === null || v === undefined ? null : rfc3339(v));

function view(r: EventRecord, withTenant: boolean): EventView {
  const body = JSON.parse(r.payload) as { type: EventType; created_at: string; data: Record<string, unknown> };
  const inFlight = r.status === 'pending' || r.status === 'delivering';
  return {
    id: r.id,
    type: body.type,
    created_at: body.created_at,
    data: body.data,
    ...(withTenant ? { tenant_id: r.tenantId } : {}),
    delivery: {
      status: r.status,
      attempts: r.attempts,
      next_attempt_at: inFlight ? time(r.nextAttemptAt) : null,
      last_attempt_at: time(r.lastAttemptAt),
      last_http_status: r.lastStatus ?? null,
      last_error: r.lastError ?? null,
      delivered_at: time(r.deliveredAt),
    },
  };
}

/** Opaque list cursor: the (created_at, id) of the last item of the page. */
function encodeCursor(r: EventRecord): string {
  return Buffer.from(`${r.createdAt}.${r.id}`).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  const m = /^(\d{1,16})\.(evt_[A-Za-z0-9_-]{1,40})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw AppError.invalid([{ field: 'cursor', issue: 'is not a cursor this list returned' }]);
  return [Number(m[1]), m[2]];
}

/** Reads and re-queues outbox events for the tenant and operator APIs (newest first). */
export class EventQueries {
  constructor(
    private readonly repo: EventRepository,
    private readonly clock: Clock,
    private readonly audit?: AuditLog,
  ) {}

  /** A page of events matching `f`; `withTenant` adds tenant_id (operators). */
  async list(f: EventFilter, withTenant: boolean): Promise<{ data: EventView[]; next_cursor: string | null }> {
    const { limit, cursor, ...filter } = f;
    const rows = await this.repo.list({ ...filter, after: cursor !== undefined ? decodeCursor(cursor) : undefined }, limit + 1);
    const page = rows.slice(0, limit);
    return { data: page.map((r) => view(r, withTenant)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
  }

  /** One event (of `tenantId`, when given) with its delivery attempts, or 404. */
  async get(id: string, tenantId?: string): Promise<EventView & { delivery_attempts: AttemptView[] }> {
    const row = await this.repo.findById(id);
    if (!row || (tenantId !== undefined && row.tenantId !== tenantId)) throw AppError.notFound('event');
    const attempts = await this.repo.attempts(id);
    return {
      ...view(row, tenantId === undefined),
      delivery_attempts: attempts.map((a) => ({
        attempt: a.attempt,
        at: rfc3339(a.at),
        url: a.url,
        http_status: a.httpStatus ?? null,
        duration_ms: a.durationMs,
        response_snippet: a.responseSnippet ?? null,
        error: a.error ?? null,
      })),
    };
  }

  /**
   * Queues an event for delivery now, whatever its state: a delivered or failed one starts a fresh
   * retry schedule, a pending one is brought forward, one being delivered is left to that attempt.
   * Each branch is a guarded UPDATE, so repeated or concurrent calls queue it once.
   */
  async redeliver(id: string, ctx?: WriteContext): Promise<EventView> {
    const now = this.clock.now();
    // The state change and its audit entry commit together.
    const after = await this.repo.db.tx(async (em) => {
      const row = await this.repo.findById(id, em);
      if (!row) throw AppError.notFound('event');
      // An undeliverable one is tried again too (parked again, without an attempt, while its tenant has no webhook_url).
      if (row.status === 'delivered' || row.status === 'failed' || row.status === 'undeliverable') await this.repo.restart(id, now, em);
      else if (row.status === 'pending') await this.repo.bringForward(id, now, em);
      const fresh = (await this.repo.findById(id, em))!;
      if (ctx && this.audit)
        await this.audit.record(em, ctx, {
          action: 'event.redeliver',
          target: id,
          before: { status: row.status, attempts: row.attempts },
          after: { status: fresh.status, attempts: fresh.attempts },
        });
      return fresh;
    });
    return view(after, true);
  }

  /**
   * The outbox backlog per tenant, for the metrics scrape: one grouped COUNT over the
   * (status, next_attempt_at) index's leading column; the tenant join adds the provider label.
   */
  async backlog(): Promise<Array<{ tenantId: string; spMchid: string; count: number; oldestMs: number | null }>> {
    const list = await rows<Record<string, unknown>>(
      this.repo.db.read(),
      'select e.tenant_id, t.sp_mchid, count(*) as n, min(e.created_at) as oldest from event e left join tenant t on t.id = e.tenant_id' +
        " where e.status in ('pending', 'delivering') group by e.tenant_id, t.sp_mchid",
    );
    return list.map((r) => ({
      tenantId: String(r.tenant_id),
      spMchid: r.sp_mchid ? String(r.sp_mchid) : 'unknown',
      count: Number(r.n),
      oldestMs: r.oldest === null || r.oldest === undefined ? null : Number(r.oldest),
    }));
  }
}
