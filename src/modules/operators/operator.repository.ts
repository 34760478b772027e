import { inject, injectable } from 'tsyringe';
import { keyset } from '../../platform/db/keyset';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import type { KeysetAfter } from '../../platform/http/paging';
import { OPERATOR as T, type OperatorRow } from './operator.entity';

/** The operator table's only SQL. */
@injectable()
export class OperatorRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** Writes a new operator in the caller's transaction. */
  insert(em: Em, o: OperatorRow): Promise<void> {
    return T.insert(em, o);
  }

  /** The live (not revoked) operator with this token hash. */
  findLiveByTokenHash(tokenHash: string): Promise<OperatorRow | undefined> {
    return T.findBy(this.db.read(), { tokenHash, revokedAt: null }).then((r) => r[0]);
  }

  /** The live operator by id. */
  findLive(id: string, em: Em = this.db.read()): Promise<OperatorRow | undefined> {
    return T.findBy(em, { id, revokedAt: null }).then((r) => r[0]);
  }

  /** Up to `limit` live operators, newest first, after the keyset position. */
  listLive(limit: number, after?: KeysetAfter): Promise<OperatorRow[]> {
    const where = ['revoked_at is null'];
    const params: unknown[] = [];
    const page = keyset(T, 'createdAt', after && { n: after.sortKey, id: after.id }, limit);
    if (page.where) {
      where.push(page.where.sql);
      params.push(...page.where.params);
    }
    return T.select(this.db.read(), where.join(' and '), params, page.tail);
  }

  /** Revokes a live operator (guarded: false when it was revoked meanwhile). */
  async revoke(em: Em, id: string, now: number): Promise<boolean> {
    return (await T.update(em, { revokedAt: now }, { id, revokedAt: null })) === 1;
  }
}
