import { inject, injectable } from 'tsyringe';
import { keyset } from '../../platform/db/keyset';
import { claimDue } from '../../platform/jobs/follow-up';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { run } from '../../platform/db/sql';
import { decodeCursor, encodeCursor, type Page } from '../../platform/http/paging';
import { APPLYMENT, type ApplymentRow } from './applyment.entity';
import { FINAL_STATES } from './applyment.state';

const T = APPLYMENT;
const c = (prop: keyof ApplymentRow & string) => T.col(prop);

/** The only SQL over the applyment table. */
@injectable()
export class ApplymentRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  insert(em: Em, row: ApplymentRow): Promise<void> {
    return T.insert(em, row);
  }

  async byId(id: string, em: Em = this.db.read()): Promise<ApplymentRow | undefined> {
    return (await T.findBy(em, { id }))[0];
  }

  /** The row under a lock (MariaDB) inside a transaction. */
  async lock(em: Em, id: string): Promise<ApplymentRow | undefined> {
    return T.selectOne(em, `${c('id')} = ?`, [id], this.db.forUpdate(em).trim());
  }

  async byBusinessCode(spMchid: string, businessCode: string, em: Em = this.db.read()): Promise<ApplymentRow | undefined> {
    return (await T.findBy(em, { spMchid, businessCode }))[0];
  }

  /** A guarded UPDATE (see Table.update); answers the rows changed. */
  update(em: Em, set: Partial<ApplymentRow>, guard: Parameters<typeof T.update>[2]): Promise<number> {
    return T.update(em, set, guard);
  }

  /** Newest first, optionally by provider and state, cursor-paged over (created_at, id). */
  async list(q: { limit: number; cursor?: string; spMchid?: string; state?: string }): Promise<Page<ApplymentRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.spMchid) {
      where.push(`${c('spMchid')} = ?`);
      params.push(q.spMchid);
    }
    if (q.state) {
      where.push(`${c('state')} = ?`);
      params.push(q.state);
    }
    const page = keyset(T, 'createdAt', q.cursor ? decodeCursor(q.cursor) : undefined, q.limit + 1);
    if (page.where) {
      where.push(page.where.sql);
      params.push(...page.where.params);
    }
    const rows = await T.select(this.db.read(), where.join(' and '), params, page.tail);
    const data = rows.slice(0, q.limit);
    const last = data[data.length - 1];
    return { data, next_cursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /**
   * Claims up to `limit` applyments due for a poll (unfinished, or FINISHED still waiting for its
   * tenant) for `leaseMs`: one guarded UPDATE per row on the lease column, so when several nodes
   * run the follower each applyment is polled by one of them at a time. `spMchid` limits the pass to one provider.
   */
  claimDue(now: number, leaseMs: number, owner: string, limit: number, spMchid?: string): Promise<ApplymentRow[]> {
    const finals = FINAL_STATES.map(() => '?').join(', ');
    return claimDue(this.db.read(), T, {
      due:
        `${c('nextPollAt')} <= ? and ` +
        `(${c('state')} not in (${finals}) or (${c('state')} = ? and ${c('tenantId')} is null and ${c('lastError')} is null))` +
        (spMchid ? ` and ${c('spMchid')} = ?` : ''),
      params: [now, ...FINAL_STATES, 'APPLYMENT_STATE_FINISHED', ...(spMchid ? [spMchid] : [])],
      lease: 'leaseUntil',
      now,
      leaseMs,
      limit,
      order: 'nextPollAt',
      set: () => ({ leaseOwner: owner }),
    });
  }

  /** Ends a lease and sets when to poll next (only the lease holder may). */
  release(id: string, owner: string, set: Partial<ApplymentRow>): Promise<number> {
    return T.update(this.db.read(), { ...set, leaseUntil: null, leaseOwner: null }, { id, leaseOwner: owner });
  }

  /** Drops the sealed plain application of applyments final before `cutoff`; answers how many. */
  purgeFinalBefore(cutoff: number, now: number): Promise<number> {
    return run(
      this.db.read(),
      `update ${T.name} set ${c('applicationSealed')} = null, ${c('purgedAt')} = ? ` +
        `where ${c('finalAt')} is not null and ${c('finalAt')} < ? and ${c('applicationSealed')} is not null`,
      [now, cutoff],
    );
  }

  /** The applyment that created a tenant (for its subject, in settlement changes). */
  async byTenant(tenantId: string): Promise<ApplymentRow | undefined> {
    return (await T.findBy(this.db.read(), { tenantId }))[0];
  }
}
