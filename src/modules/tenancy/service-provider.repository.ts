import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { SERVICE_PROVIDER as T, type ServiceProviderRow } from './tenancy.entity';

/** The service_provider table's only SQL. Methods take the caller's transaction `em` when it has one. */
@injectable()
export class ServiceProviderRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** The provider by sp_mchid. */
  find(spMchid: string, em: Em = this.db.read()): Promise<ServiceProviderRow | undefined> {
    return T.findBy(em, { spMchid }).then((r) => r[0]);
  }

  /** The provider's updated_at (what other processes' credential caches compare), or undefined. */
  async updatedAt(spMchid: string): Promise<number | undefined> {
    const sql = `select ${T.col('updatedAt')} as v from ${T.name} where ${T.col('spMchid')} = ?`;
    const [r] = await this.db.read().execute<Array<{ v: number | string }>>(sql, [spMchid]);
    return r ? Number(r.v) : undefined;
  }

  /** How many providers have this sp_mchid (0 or 1). */
  countBySpMchid(spMchid: string, em: Em = this.db.read()): Promise<number> {
    return T.countBy(em, { spMchid });
  }

  /** How many providers have one of these sp_appids. */
  countBySpAppids(spAppids: string[], em: Em = this.db.read()): Promise<number> {
    return spAppids.length ? T.countBy(em, { spAppid: spAppids }) : Promise.resolve(0);
  }

  /** Every provider (a handful: the platform's own service providers). */
  all(em: Em = this.db.read()): Promise<ServiceProviderRow[]> {
    return T.select(em, '', [], `order by ${T.col('spMchid')}`);
  }

  /** Up to `limit` providers by sp_mchid ascending, after `afterSpMchid`. */
  list(limit: number, afterSpMchid?: string): Promise<ServiceProviderRow[]> {
    const where = afterSpMchid === undefined ? '' : `${T.col('spMchid')} > ?`;
    return T.select(this.db.read(), where, afterSpMchid === undefined ? [] : [afterSpMchid], `order by sp_mchid limit ${Number(limit)}`);
  }

  /** Writes a new provider in the caller's transaction. */
  insert(em: Em, row: ServiceProviderRow): Promise<void> {
    return T.insert(em, row);
  }

  /** Replaces every column of an existing provider in the caller's transaction. */
  async replace(em: Em, row: ServiceProviderRow): Promise<void> {
    const { spMchid, ...rest } = row;
    await T.update(em, rest, { spMchid });
  }
}
