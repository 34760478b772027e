import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { AUDIT_LOG as T, type AuditLogRow } from './audit.entity';

/** What to list: equalities on actor/action/target, an `at` range (epoch ms), and ids below `beforeId` (the cursor). */
export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  since?: number;
  until?: number;
  beforeId?: number;
}

/** The audit_log table's only SQL: appends and listing. */
@injectable()
export class AuditRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** Appends one entry in the caller's transaction (the id is the table's autoincrement). */
  insert(em: Em, e: Omit<AuditLogRow, 'id'>): Promise<void> {
    return T.insert(em, { ...e, id: undefined } as unknown as AuditLogRow);
  }

  /** Up to `limit` entries, newest first. */
  list(f: AuditFilter, limit: number): Promise<AuditLogRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      where.push(sql);
      params.push(v);
    };
    if (f.actor) add('actor = ?', f.actor);
    if (f.action) add('action = ?', f.action);
    if (f.target) add('target = ?', f.target);
    if (f.since !== undefined) add('at >= ?', f.since);
    if (f.until !== undefined) add('at < ?', f.until);
    if (f.beforeId !== undefined) add('id < ?', f.beforeId);
    return T.select(this.db.read(), where.join(' and '), params, `order by id desc limit ${Number(limit)}`);
  }
}
