import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../common/tokens';
import type { Database } from '../common/db/database';
import type { Em } from '../common/db/orm';
import { NOTIFICATION_LOG as T, type NotificationOutcome, type NotificationRow } from './notification.entity';

/** The notification log's only SQL. */
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
    if (after) add('(received_at < ? or (received_at = ? and id < ?))', after.n, after.n, after.id);
    return T.select(this.db.read(), where.join(' and '), args, `order by received_at desc, id desc limit ${Number(limit)}`);
  }
}
