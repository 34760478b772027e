import { IsolationLevel } from '@mikro-orm/core';
import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { isSqlite, rows, run } from '../../platform/db/sql';
import {
  EVENT as T,
  EVENT_DELIVERY_ATTEMPT as A,
  type EventDeliveryAttemptRecord,
  type EventRecord,
  type EventStatus,
} from './event.entity';

export interface EventListFilter {
  tenantId?: string;
  type?: string;
  status?: EventStatus;
  createdFrom?: number;
  createdTo?: number;
  /** The (created_at, id) of the last item of the previous page. */
  after?: [number, string];
}

/**
 * How due events are claimed: `skip_locked` (SELECT ... FOR UPDATE SKIP LOCKED, then UPDATE) or `guarded` (an UPDATE per row,
 * guarded by its attempts).
 */
export type ClaimPath = 'skip_locked' | 'guarded';

const DUE = `status in ('pending', 'delivering') and next_attempt_at <= ?`;
const CLAIM_SET = `status = 'delivering', attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ?`;

/** The outbox's only SQL (event and event_delivery_attempt): listing, claiming, settling, re-queueing. */
@injectable()
export class EventRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** Writes one event in the caller's transaction (the outbox write). */
  insert(em: Em, e: EventRecord): Promise<void> {
    return T.insert(em, e);
  }

  /** A page of events, newest first. */
  list(f: EventListFilter, limit: number): Promise<EventRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      params.push(...values);
    };
    if (f.tenantId !== undefined) add('tenant_id = ?', f.tenantId);
    if (f.type !== undefined) add('type = ?', f.type);
    if (f.status !== undefined) add('status = ?', f.status);
    if (f.createdFrom !== undefined) add('created_at >= ?', f.createdFrom);
    if (f.createdTo !== undefined) add('created_at < ?', f.createdTo);
    if (f.after) add('(created_at < ? or (created_at = ? and id < ?))', f.after[0], f.after[0], f.after[1]);
    return T.select(this.db.read(), where.join(' and '), params, `order by created_at desc, id desc limit ${Number(limit)}`);
  }

  /** The event by id. */
  findById(id: string, em: Em = this.db.read()): Promise<EventRecord | undefined> {
    return T.findBy(em, { id }).then((r) => r[0]);
  }

  /** The event's delivery attempts, oldest first. */
  attempts(eventId: string): Promise<EventDeliveryAttemptRecord[]> {
    return A.findBy(this.db.read(), { eventId }, 'order by attempt');
  }

  /** A delivered, failed or undeliverable event starts a fresh retry schedule now (guarded: repeated calls queue it once). */
  async restart(id: string, now: number, em: Em = this.db.read()): Promise<void> {
    const sql = `update ${T.name} set status = 'pending', next_attempt_at = ?, retry_base = attempts where id = ? and status in (?, ?, ?)`;
    await run(em, sql, [now, id, 'delivered', 'failed', 'undeliverable']);
  }

  /** A pending event due later is brought forward to now. */
  async bringForward(id: string, now: number, em: Em = this.db.read()): Promise<void> {
    await run(em, `update ${T.name} set next_attempt_at = ? where id = ? and status = 'pending' and next_attempt_at > ?`, [now, id, now]);
  }

  /**
   * Claims up to `limit` due events: marks them delivering, counts the attempt and leases them until
   * `leaseUntil`. Answers the rows as they were before the claim.
   */
  claim(now: number, leaseUntil: number, limit: number): Promise<EventRecord[]> {
    return this.claimVia(this.claimPath(), now, leaseUntil, limit);
  }

  /** The claim path this dialect uses: SKIP LOCKED on MariaDB/MySQL, the guarded UPDATE on SQLite (no row locks). */
  claimPath(): ClaimPath {
    return isSqlite(this.db.read()) ? 'guarded' : 'skip_locked';
  }

  /** `claim` through a given path (tests run each path on each dialect that has it; the guarded one runs on both). */
  claimVia(path: ClaimPath, now: number, leaseUntil: number, limit: number): Promise<EventRecord[]> {
    const em = this.db.read();
    if (path === 'skip_locked' && isSqlite(em)) throw new Error('SQLite has no SELECT ... FOR UPDATE SKIP LOCKED');
    return path === 'guarded' ? this.claimGuarded(em, now, leaseUntil, limit) : this.claimLocked(em, now, leaseUntil, limit);
  }

  // MariaDB/MySQL, several processes: rows locked by another claimer are skipped, not waited for.
  // READ COMMITTED so the range read takes no gap locks that would stall concurrent recordEvent INSERTs.
  // No ORDER BY: the (status, next_attempt_at) index already yields the oldest first, and a filesort would lock every due row.
  private claimLocked(em: Em, now: number, leaseUntil: number, limit: number): Promise<EventRecord[]> {
    return em.transactional(
      async (tx) => {
        const rows = await T.select(tx as Em, DUE, [now], `limit ${Number(limit)} for update skip locked`);
        if (rows.length === 0) return [];
        const ids = rows.map((r) => r.id);
        await run(tx as Em, `update ${T.name} set ${CLAIM_SET} where id in (${ids.map(() => '?').join(', ')})`, [now, leaseUntil, ...ids]);
        return rows;
      },
      { isolationLevel: IsolationLevel.READ_COMMITTED },
    );
  }

  // SQLite (one process, one writer): each claim is an UPDATE guarded by the attempts count it read.
  // Reads more candidates than it needs so that a dispatcher racing another one still finds work.
  private async claimGuarded(em: Em, now: number, leaseUntil: number, limit: number): Promise<EventRecord[]> {
    const candidates = await T.select(em, DUE, [now], `order by next_attempt_at limit ${Number(limit) * 4}`);
    const claimed: EventRecord[] = [];
    for (const r of candidates) {
      if (claimed.length >= limit) break;
      const sql = `update ${T.name} set ${CLAIM_SET} where id = ? and attempts = ? and ${DUE}`;
      if ((await run(em, sql, [now, leaseUntil, r.id, r.attempts, now])) === 1) claimed.push(r);
    }
    return claimed;
  }

  /**
   * Parks a claimed event of a tenant without a webhook_url as `undeliverable`: no attempt is recorded
   * and the claim's count is undone (guarded like settle, so a superseded claim changes nothing).
   */
  async park(eventId: string, attempt: number): Promise<boolean> {
    const sql =
      `update ${T.name} set status = 'undeliverable', attempts = attempts - 1,` +
      ' last_attempt_at = case when attempts = 1 then null else last_attempt_at end' +
      ` where id = ? and status = 'delivering' and attempts = ?`;
    return (await run(this.db.read(), sql, [eventId, attempt])) === 1;
  }

  /** Tenants that have undeliverable events (a bounded read of the status index). */
  async undeliverableTenants(limit: number): Promise<string[]> {
    const list = await rows<{ tenant_id: string }>(
      this.db.read(),
      `select distinct tenant_id from ${T.name} where status = 'undeliverable' limit ${Number(limit)}`,
    );
    return list.map((r) => String(r.tenant_id));
  }

  /** A tenant's undeliverable events become due now (its webhook_url has been set). Answers how many. */
  async release(tenantId: string, now: number): Promise<number> {
    return run(
      this.db.read(),
      `update ${T.name} set status = 'pending', next_attempt_at = ? where tenant_id = ? and status = 'undeliverable'`,
      [now, tenantId],
    );
  }

  /**
   * Settles successful attempts of one claimed batch in one transaction: one UPDATE guarded by
   * (id, attempts, delivering) for all of them, then one multi-row INSERT of the attempts. When any
   * event is no longer held by its claim (a lease ran out and another claim took it) nothing is
   * written and it answers false: the caller then settles each on its own (`settle`).
   */
  settleDelivered(attempts: readonly EventDeliveryAttemptRecord[], httpStatus: number, now: number): Promise<boolean> {
    if (attempts.length === 0) return Promise.resolve(true);
    return this.db
      .tx(async (em) => {
        const pairs = attempts.map(() => '(?, ?)').join(', ');
        const sql =
          `update ${T.name} set status = 'delivered', next_attempt_at = ?, last_status = ?, last_error = null, delivered_at = ?` +
          ` where status = 'delivering' and (id, attempts) in (${pairs})`;
        const changed = await run(em, sql, [now, httpStatus, now, ...attempts.flatMap((a) => [a.eventId, a.attempt])]);
        if (changed !== attempts.length) throw new BatchSuperseded();
        await A.insertMany(em, attempts);
        return true;
      })
      .catch((err: unknown) => {
        if (err instanceof BatchSuperseded) return false;
        throw err;
      });
  }

  /**
   * Records an attempt and its outcome in one transaction; the outcome UPDATE is guarded by
   * (delivering, attempts), so a superseded claim changes nothing. Answers whether it settled.
   */
  settle(
    attempt: EventDeliveryAttemptRecord,
    outcome: Pick<EventRecord, 'status' | 'nextAttemptAt' | 'lastStatus' | 'lastError' | 'deliveredAt'>,
  ): Promise<boolean> {
    return this.db.tx(async (em) => {
      await A.insert(em, attempt);
      const changed = await T.update(em, outcome, { id: attempt.eventId, status: 'delivering', attempts: attempt.attempt });
      return changed === 1;
    });
  }
}

/** Rolls a batch settle back: some event of it was claimed anew meanwhile. */
class BatchSuperseded extends Error {}
