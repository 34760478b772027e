import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../tokens';
import type { Database } from '../db/database';
import { DATA_KEY as T, type DataKeyRow } from './data-key.entity';

/**
 * The data_key table's only SQL. Autocommit statements on the database's reader, so call it outside
 * any transaction (SQLite has a single connection that a transaction holds).
 */
@injectable()
export class DataKeyRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** The data key by id. */
  findById(id: string): Promise<DataKeyRow | undefined> {
    return T.findBy(this.db.read(), { id }).then((r) => r[0]);
  }

  /** The newest data key wrapped by `masterKeyId`. */
  newestWrappedBy(masterKeyId: string): Promise<DataKeyRow | undefined> {
    return T.findBy(this.db.read(), { masterKeyId }, 'order by created_at desc limit 1').then((r) => r[0]);
  }

  /** Every data key, oldest first. */
  all(): Promise<DataKeyRow[]> {
    return T.select(this.db.read(), '', [], 'order by created_at');
  }

  /** Writes a new data key. */
  insert(r: DataKeyRow): Promise<void> {
    return T.insert(this.db.read(), r);
  }

  /** Re-wraps a key, guarded by its old wrapping (false when a concurrent rotation was first). */
  async rewrap(
    old: Pick<DataKeyRow, 'id' | 'masterKeyId' | 'wrapped'>,
    masterKeyId: string,
    wrapped: string,
    now: number,
  ): Promise<boolean> {
    const guard = { id: old.id, masterKeyId: old.masterKeyId, wrapped: old.wrapped };
    return (await T.update(this.db.read(), { masterKeyId, wrapped, rewrappedAt: now }, guard)) === 1;
  }
}
