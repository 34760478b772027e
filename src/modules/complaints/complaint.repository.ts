import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { isUniqueViolation, rows, run } from '../../platform/db/sql';
import { decodeCursor, encodeCursor, type Page } from '../../platform/http/paging';
import { COMPLAINT, COMPLAINT_SYNC, type ComplaintRow } from './complaint.entity';
import { OPEN_STATES } from './complaint.state';

const T = COMPLAINT;
const c = (prop: keyof ComplaintRow & string) => T.col(prop);
const S = COMPLAINT_SYNC;

/** A list filter: by tenant (null = complaints of unknown sub-merchants), state, overdue at `now`. */
export interface ComplaintFilter {
  tenantId?: string | null;
  state?: string;
  overdue?: boolean;
  now: number;
  limit: number;
  cursor?: string;
}

/** The only SQL over the complaint tables. */
@injectable()
export class ComplaintRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  insert(em: Em, row: ComplaintRow): Promise<void> {
    return T.insert(em, row);
  }

  async byComplaintId(spMchid: string, complaintId: string, em: Em = this.db.read()): Promise<ComplaintRow | undefined> {
    return (await T.findBy(em, { spMchid, complaintId }))[0];
  }

  /** A complaint by WeChat Pay's id alone (operators; complaint ids are globally unique at WeChat Pay). */
  async anyByComplaintId(complaintId: string): Promise<ComplaintRow | undefined> {
    return (await T.findBy(this.db.read(), { complaintId }))[0];
  }

  /** The row locked (MariaDB) inside a transaction. */
  lock(em: Em, spMchid: string, complaintId: string): Promise<ComplaintRow | undefined> {
    return T.selectOne(em, `${c('spMchid')} = ? and ${c('complaintId')} = ?`, [spMchid, complaintId], this.db.forUpdate(em).trim());
  }

  /** A guarded UPDATE; answers the rows changed. */
  update(em: Em, set: Partial<ComplaintRow>, guard: Parameters<typeof T.update>[2]): Promise<number> {
    return T.update(em, set, guard);
  }

  /** Newest first (complaint_time, id), cursor-paged. */
  async list(f: ComplaintFilter): Promise<Page<ComplaintRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.tenantId === null) where.push(`${c('tenantId')} is null`);
    else if (f.tenantId !== undefined) {
      where.push(`${c('tenantId')} = ?`);
      params.push(f.tenantId);
    }
    if (f.state) {
      where.push(`${c('state')} = ?`);
      params.push(f.state);
    }
    if (f.overdue !== undefined) {
      const open = OPEN_STATES.map(() => '?').join(', ');
      const cond = `(${c('respondedAt')} is null and ${c('state')} in (${open}) and ${c('respondBy')} < ?)`;
      where.push(f.overdue ? cond : `not ${cond}`);
      params.push(...OPEN_STATES, f.now);
    }
    if (f.cursor) {
      const k = decodeCursor(f.cursor);
      where.push(`(${c('complaintTime')} < ? or (${c('complaintTime')} = ? and ${c('id')} < ?))`);
      params.push(k.n, k.n, k.id);
    }
    const rows = await T.select(
      this.db.read(),
      where.join(' and '),
      params,
      `order by ${c('complaintTime')} desc, ${c('id')} desc limit ${f.limit + 1}`,
    );
    const data = rows.slice(0, f.limit);
    const last = data[data.length - 1];
    return { data, next_cursor: rows.length > f.limit && last ? encodeCursor(last.complaintTime, last.id) : null };
  }

  /** Unanswered open complaints past respond_by whose overdue event is not yet recorded. */
  dueOverdue(now: number, limit = 100): Promise<ComplaintRow[]> {
    const open = OPEN_STATES.map(() => '?').join(', ');
    return T.select(
      this.db.read(),
      `${c('respondedAt')} is null and ${c('overdueAt')} is null and ${c('state')} in (${open}) and ${c('respondBy')} < ?`,
      [...OPEN_STATES, now],
      `order by ${c('respondBy')} limit ${limit}`,
    );
  }

  /** Counts of open and overdue complaints per provider and tenant (tenant null: unknown sub-merchant), for the metrics. */
  async openCounts(now: number): Promise<Array<{ spMchid: string; tenantId: string | null; open: number; overdue: number }>> {
    const open = OPEN_STATES.map(() => '?').join(', ');
    const out = await rows<{ sp: string; tenant: string | null; open_count: number | string; overdue_count: number | string | null }>(
      this.db.read(),
      `select ${c('spMchid')} as sp, ${c('tenantId')} as tenant, count(*) as open_count, ` +
        `sum(case when ${c('respondedAt')} is null and ${c('respondBy')} < ? then 1 else 0 end) as overdue_count ` +
        `from ${T.name} where ${c('state')} in (${open}) group by ${c('spMchid')}, ${c('tenantId')}`,
      [now, ...OPEN_STATES],
    );
    return out.map((r) => ({ spMchid: r.sp, tenantId: r.tenant, open: Number(r.open_count), overdue: Number(r.overdue_count ?? 0) }));
  }

  /**
   * Claims the provider's sync for `leaseMs` unless another node holds it or it ran less than
   * `everyMs` ago: one guarded UPDATE, so one node syncs a provider at a time and once per interval.
   */
  async claimSync(spMchid: string, now: number, leaseMs: number, everyMs: number, owner: string): Promise<boolean> {
    const em = this.db.read();
    try {
      await S.insert(em, { spMchid, leaseUntil: null, leaseOwner: null, lastSyncAt: null, lastError: null });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const n = await run(
      em,
      `update ${S.name} set ${S.col('leaseUntil')} = ?, ${S.col('leaseOwner')} = ? where ${S.col('spMchid')} = ? ` +
        `and (${S.col('leaseUntil')} is null or ${S.col('leaseUntil')} < ?) ` +
        `and (${S.col('lastSyncAt')} is null or ${S.col('lastSyncAt')} <= ?)`,
      [now + leaseMs, owner, spMchid, now, now - everyMs],
    );
    return n === 1;
  }

  /** Ends the lease (only its holder may), recording when the sync ran and its failure if any. */
  releaseSync(spMchid: string, owner: string, at: number, error: string | null): Promise<number> {
    return S.update(
      this.db.read(),
      { leaseUntil: null, leaseOwner: null, lastSyncAt: at, lastError: error?.slice(0, 255) ?? null },
      { spMchid, leaseOwner: owner },
    );
  }
}
