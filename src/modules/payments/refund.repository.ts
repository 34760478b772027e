import { inject, injectable } from 'tsyringe';
import { keyset } from '../../platform/db/keyset';
import { claimDue } from '../../platform/jobs/follow-up';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { run } from '../../platform/db/sql';
import { REFUND as T, type RefundRow, type RefundStatus } from './refund.entity';

export interface RefundFilter {
  tenantId?: string;
  status?: RefundStatus;
  outTradeNo?: string;
  outRefundNo?: string;
}

/** The refund table's only SQL; methods take the caller's transaction as `em` when there is one. */
@injectable()
export class RefundRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** Writes a new refund (a duplicate out_refund_no raises a unique violation). */
  insert(r: RefundRow, em: Em = this.db.read()): Promise<void> {
    return T.insert(em, r);
  }

  /** The refund by provider and out_refund_no (any tenant). */
  find(spMchid: string, outRefundNo: string, em: Em = this.db.read()): Promise<RefundRow | undefined> {
    return T.findBy(em, { spMchid, outRefundNo }).then((r) => r[0]);
  }

  /** The refund by id; `lock` takes its row lock for the rest of the caller's transaction. */
  findById(id: string, em: Em = this.db.read(), lock = false): Promise<RefundRow | undefined> {
    return T.findBy(em, { id }, lock ? this.db.forUpdate(em).trim() : '').then((r) => r[0]);
  }

  /** Records WeChat Pay's acceptance (refund_id) of a refund. */
  async markSubmitted(id: string, refundId: string | null, now: number, em: Em = this.db.read()): Promise<void> {
    await run(em, `update ${T.name} set submitted = 1, refund_id = coalesce(?, refund_id), updated_at = ? where id = ?`, [
      refundId,
      now,
      id,
    ]);
  }

  /** Deletes a reservation WeChat Pay never accepted (a definite refusal frees the amount and the out_refund_no). */
  async deleteUnsubmitted(id: string, em: Em = this.db.read()): Promise<boolean> {
    return (await run(em, `delete from ${T.name} where id = ? and submitted = 0`, [id])) === 1;
  }

  /**
   * Claims up to `limit` PROCESSING refunds at least `quietMs` old and not asked about for `quietMs`
   * (the follow-up claim with last_synced_at as the lease: see OrderRepository.claimUnpaidDue).
   */
  claimProcessingDue(now: number, quietMs: number, limit: number): Promise<RefundRow[]> {
    return claimDue(this.db.read(), T, {
      due: 'status = ? and created_at <= ?',
      params: ['PROCESSING', now - quietMs],
      lease: 'lastSyncedAt',
      now: now - quietMs,
      leaseMs: quietMs,
      limit,
      order: 'createdAt',
      guard: { status: 'PROCESSING' },
    });
  }

  /** Notes a query to WeChat Pay about the refund. */
  async markSynced(id: string, now: number, em: Em = this.db.read()): Promise<void> {
    await T.update(em, { lastSyncedAt: now }, { id });
  }

  /** A page of refunds, newest first, after the cursor. */
  list(f: RefundFilter, limit: number, after?: { n: number; id: string }, em: Em = this.db.read()): Promise<RefundRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, ...v: unknown[]) => {
      where.push(sql);
      args.push(...v);
    };
    if (f.tenantId) add('tenant_id = ?', f.tenantId);
    if (f.status) add('status = ?', f.status);
    if (f.outTradeNo) add('out_trade_no = ?', f.outTradeNo);
    if (f.outRefundNo) add('out_refund_no = ?', f.outRefundNo);
    const page = keyset(T, 'createdAt', after, limit);
    if (page.where) add(page.where.sql, ...page.where.params);
    return T.select(em, where.join(' and '), args, page.tail);
  }
}
