import type { QueryResult } from '@mikro-orm/core';
import type { Orm } from '../common/db/orm';
import type { Clock } from '../common/clock';
import { rfc3339 } from '../common/clock';
import { AppError } from '../common/errors';
import type { EventStatus } from './event.entity';

/** An event as the APIs show it: the delivered body plus its delivery state. */
export interface EventView {
  id: string;
  type: string;
  created_at: string;
  data: unknown;
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

interface EventRow {
  id: string;
  tenant_id: string;
  payload: string;
  status: EventStatus;
  attempts: number | string;
  next_attempt_at: number | string;
  last_attempt_at: number | string | null;
  last_status: number | string | null;
  last_error: string | null;
  delivered_at: number | string | null;
  created_at: number | string;
}

const COLUMNS =
  'id, tenant_id, payload, status, attempts, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at, created_at';
const time = (v: number | string | null) => (v === null || v === undefined ? null : rfc3339(Number(v)));

function view(r: EventRow, withTenant: boolean): EventView {
  const body = JSON.parse(r.payload) as { type: string; created_at: string; data: unknown };
  const inFlight = r.status === 'pending' || r.status === 'delivering';
  return {
    id: r.id,
    type: body.type,
    created_at: body.created_at,
    data: body.data,
    ...(withTenant ? { tenant_id: r.tenant_id } : {}),
    delivery: {
      status: r.status,
      attempts: Number(r.attempts),
      next_attempt_at: inFlight ? time(r.next_attempt_at) : null,
      last_attempt_at: time(r.last_attempt_at),
      last_http_status: r.last_status === null ? null : Number(r.last_status),
      last_error: r.last_error,
      delivered_at: time(r.delivered_at),
    },
  };
}

/** Opaque list cursor: the (created_at, id) of the last item of the page. */
function encodeCursor(r: EventRow): string {
  return Buffer.from(`${Number(r.created_at)}.${r.id}`).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  const m = /^(\d{1,16})\.(evt_[A-Za-z0-9_-]{1,40})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw AppError.invalid([{ field: 'cursor', issue: 'is not a cursor this list returned' }]);
  return [Number(m[1]), m[2]];
}

/** Reads and re-queues outbox events for the tenant and operator APIs (raw SQL, newest first). */
export class EventQueries {
  constructor(
    private readonly orm: Orm,
    private readonly clock: Clock,
  ) {}

  /** A page of events matching `f`; `withTenant` adds tenant_id (operators). */
  async list(f: EventFilter, withTenant: boolean): Promise<{ data: EventView[]; next_cursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => (where.push(sql), params.push(...values));
    if (f.tenantId !== undefined) add('tenant_id = ?', f.tenantId);
    if (f.type !== undefined) add('type = ?', f.type);
    if (f.status !== undefined) add('status = ?', f.status);
    if (f.createdFrom !== undefined) add('created_at >= ?', f.createdFrom);
    if (f.createdTo !== undefined) add('created_at < ?', f.createdTo);
    if (f.cursor !== undefined) {
      const [at, id] = decodeCursor(f.cursor);
      add('(created_at < ? or (created_at = ? and id < ?))', at, at, id);
    }
    const sql = `select ${COLUMNS} from event ${where.length ? `where ${where.join(' and ')}` : ''} order by created_at desc, id desc limit ${Number(f.limit) + 1}`;
    const rows = await this.orm.em.fork().execute<EventRow[]>(sql, params);
    const page = rows.slice(0, f.limit);
    return { data: page.map((r) => view(r, withTenant)), next_cursor: rows.length > f.limit ? encodeCursor(page[page.length - 1]) : null };
  }

  /** One event (of `tenantId`, when given) with its delivery attempts, or 404. */
  async get(id: string, tenantId?: string): Promise<EventView & { delivery_attempts: AttemptView[] }> {
    const em = this.orm.em.fork();
    const [row] = await em.execute<EventRow[]>(`select ${COLUMNS} from event where id = ?`, [id]);
    if (!row || (tenantId !== undefined && row.tenant_id !== tenantId)) throw AppError.notFound('event');
    const attempts = await em.execute<Array<Record<string, unknown>>>(
      'select attempt, at, url, http_status, duration_ms, response_snippet, error from event_delivery_attempt where event_id = ? order by attempt',
      [id],
    );
    return {
      ...view(row, tenantId === undefined),
      delivery_attempts: attempts.map((a) => ({
        attempt: Number(a.attempt),
        at: rfc3339(Number(a.at)),
        url: String(a.url),
        http_status: a.http_status === null ? null : Number(a.http_status),
        duration_ms: Number(a.duration_ms),
        response_snippet: (a.response_snippet as string | null) ?? null,
        error: (a.error as string | null) ?? null,
      })),
    };
  }

  /**
   * Queues an event for delivery now, whatever its state: a delivered or failed one starts a fresh
   * retry schedule, a pending one is brought forward, one being delivered is left to that attempt.
   * Each branch is a guarded UPDATE, so repeated or concurrent calls queue it once.
   */
  async redeliver(id: string): Promise<EventView> {
    const em = this.orm.em.fork();
    const now = this.clock.now();
    const [row] = await em.execute<Array<{ status: EventStatus }>>('select status from event where id = ?', [id]);
    if (!row) throw AppError.notFound('event');
    if (row.status === 'delivered' || row.status === 'failed') {
      await em.execute<QueryResult>(
        `update event set status = 'pending', next_attempt_at = ?, retry_base = attempts where id = ? and status in ('delivered', 'failed')`,
        [now, id],
        'run',
      );
    } else if (row.status === 'pending') {
      await em.execute<QueryResult>(
        `update event set next_attempt_at = ? where id = ? and status = 'pending' and next_attempt_at > ?`,
        [now, id, now],
        'run',
      );
    }
    const [after] = await em.execute<EventRow[]>(`select ${COLUMNS} from event where id = ?`, [id]);
    return view(after, true);
  }

  /**
   * The outbox backlog per tenant, for the metrics scrape: one grouped COUNT over the
   * (status, next_attempt_at) index's leading column; the tenant join adds the provider label.
   */
  async backlog(): Promise<Array<{ tenantId: string; spMchid: string; count: number; oldestMs: number | null }>> {
    const rows = await this.orm.em
      .getConnection()
      .execute<Array<Record<string, unknown>>>(
        'select e.tenant_id, t.sp_mchid, count(*) as n, min(e.created_at) as oldest from event e left join tenant t on t.id = e.tenant_id' +
          " where e.status in ('pending', 'delivering') group by e.tenant_id, t.sp_mchid",
      );
    return rows.map((r) => ({
      tenantId: String(r.tenant_id),
      spMchid: r.sp_mchid ? String(r.sp_mchid) : 'unknown',
      count: Number(r.n),
      oldestMs: r.oldest === null || r.oldest === undefined ? null : Number(r.oldest),
    }));
  }
}
