import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { PLATFORM_KEY as K, type PlatformKeyRow } from './combined-order.entity';

/** The platform_key table's only SQL. */
@injectable()
export class PlatformKeyRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** Writes a new key in the caller's transaction. */
  insert(em: Em, row: PlatformKeyRow): Promise<void> {
    return K.insert(em, row);
  }

  /** The provider's keys, newest first. */
  list(spMchid: string): Promise<PlatformKeyRow[]> {
    return K.findBy(this.db.read(), { spMchid }, 'order by created_at desc, id desc');
  }

  /** The provider's live key by id. */
  findLive(spMchid: string, id: string, em: Em = this.db.read()): Promise<PlatformKeyRow | undefined> {
    return K.findBy(em, { id, spMchid, revokedAt: null }).then((r) => r[0]);
  }

  /** The live key with this hash: what authentication looks up. */
  findLiveByHash(hash: string): Promise<PlatformKeyRow | undefined> {
    return K.findBy(this.db.read(), { hash, revokedAt: null }).then((r) => r[0]);
  }

  /** Revokes a live key (guarded: false when it was revoked meanwhile). */
  async revoke(em: Em, id: string, now: number): Promise<boolean> {
    return (await K.update(em, { revokedAt: now }, { id, revokedAt: null })) === 1;
  }

  /** Records a key's use unless one was recorded since `notBefore` (authentication stays mostly a read). */
  async touch(id: string, now: number, notBefore: number): Promise<void> {
    const sql = `update ${K.name} set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)`;
    await this.db.read().execute(sql, [now, id, notBefore], 'run');
  }
}
