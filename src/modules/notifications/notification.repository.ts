import { inject, injectable } from 'tsyringe';
import { keyset } from '../../platform/db/keyset';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { rows, run } from '../../platform/db/sql';
import { TENANT } from '../tenancy';
import { NOTIFICATION_LOG as T, type NotificationOutcome, type NotificationRow } from './notification.entity';

/** One notification as the key report lists it. */
export interface KeyedNotification {
  received_at: number;
  tenant_id: string;
  kind: string;
  serial: string | null;
  verification: string;
  verified_by: string | null;
  outcome: string;
}

// Notifications of one provider: its tenants' rows (notification_log keeps the tenant; the tenant row keeps the provider).
const OF_PROVIDER = `from ${T.name} n join ${TENANT.name} t on t.id = n.tenant_id where t.sp_mchid = ?`;

/** The notification log's only SQL: the hot path's append, the admin reads, the key report and retention. */
@injectable()
export class NotificationRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** Appends one log row (inside the caller's transaction when `em` is one; with its group's rows under group commit). */
  insert(row: NotificationRow, em: Em = this.db.read()): Promise<void> {
    return T.append(em, row);
  }

  /** A page of the log, newest first, after the (received_at, id) cursor. */
  list(
    f: { tenantId?: string; outcome?: NotificationOutcome },
    limit: number,
    after?: { n: number; id: string },
  ): Promise<NotificationRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, ...v: unknown[]) => {
      where.push(sql);
      args.push(...v);
    };
    if (f.tenantId) add('tenant_id = ?', f.tenantId);
    if (f.outcome) add('outcome = ?', f.outcome);
    const page = keyset(T, 'receivedAt', after, limit);
    if (page.where) add(page.where.sql, ...page.where.params);
    return T.select(this.db.read(), where.join(' and '), args, page.tail);
  }

  /** Deletes up to `limit` rows received before `cutoff`; answers how many went. */
  deleteReceivedBefore(cutoff: number, limit: number): Promise<number> {
    // The derived table lets MySQL delete from the table it selects from; SQLite accepts it as is.
    const sql = `delete from ${T.name} where id in (select id from (select id from ${T.name} where received_at < ? limit ?) old)`;
    return run(this.db.read(), sql, [cutoff, limit]);
  }

  /** The provider's latest notifications, newest first, with the key that verified each (key report). */
  async recent(spMchid: string, limit: number): Promise<KeyedNotification[]> {
    const list = await rows<KeyedNotification>(
      this.db.read(),
      `select n.received_at, n.tenant_id, n.kind, n.serial, n.verification, n.verified_by, n.outcome ${OF_PROVIDER}` +
        ` order by n.received_at desc, n.id desc limit ${Number(limit)}`,
      [spMchid],
    );
    return list.map((r) => ({ ...r, received_at: Number(r.received_at) }));
  }

  /** When each key last verified a notification of the provider since `sinceMs` (key report). */
  async lastUsed(spMchid: string, sinceMs: number): Promise<Map<string, number>> {
    const list = await rows<{ verified_by: string; at: number | string }>(
      this.db.read(),
      `select n.verified_by, max(n.received_at) as at ${OF_PROVIDER}` +
        ' and n.verified_by is not null and n.received_at >= ? group by n.verified_by',
      [spMchid, sinceMs],
    );
    return new Map(list.map((r) => [r.verified_by, Number(r.at)]));
  }

  /** Signature failures of the provider since `sinceMs` by reason, and how many named a PUB_KEY_ID serial (key report). */
  async failures(
    spMchid: string,
    sinceMs: number,
  ): Promise<Array<{ reason: string; count: number; publicKeySigned: number; lastAt: number }>> {
    const list = await rows<{ verification: string; n: number | string; pub: number | string | null; last_at: number | string }>(
      this.db.read(),
      `select n.verification, count(*) as n, sum(case when substr(n.serial, 1, 11) = 'PUB_KEY_ID_' then 1 else 0 end) as pub,` +
        ` max(n.received_at) as last_at ${OF_PROVIDER}` +
        " and n.verification not in ('ok', 'not_checked', 'undecryptable') and n.received_at >= ?" +
        ' group by n.verification',
      [spMchid, sinceMs],
    );
    return list.map((r) => ({
      reason: r.verification,
      count: Number(r.n),
      publicKeySigned: Number(r.pub ?? 0),
      lastAt: Number(r.last_at),
    }));
  }
}
