import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../tokens';
import type { Database } from '../db/database';
import { run } from '../db/sql';
import { IDEMPOTENCY_RECORD as T, type IdempotencyRow } from './idempotency.entity';

/** The idempotency_record table's only SQL. */
@injectable()
export class IdempotencyRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** The tenant's record for `key`, unless it expired by `now`. */
  findLive(tenantId: string, idemKey: string, now: number): Promise<IdempotencyRow | undefined> {
    return T.selectOne(this.db.read(), 'tenant_id = ? and idem_key = ? and expires_at > ?', [tenantId, idemKey, now]);
  }

  /** Stores the record, replacing an expired one for the same key that may still be there. */
  async replace(r: IdempotencyRow): Promise<void> {
    const em = this.db.read();
    await T.deleteBy(em, { tenantId: r.tenantId, idemKey: r.idemKey });
    await T.insert(em, r);
  }

  /** Deletes records expired by `now`; answers how many. */
  purgeExpired(now: number): Promise<number> {
    return run(this.db.read(), `delete from ${T.name} where ${T.col('expiresAt')} <= ?`, [now]);
  }
}
