import { inject, injectable } from 'tsyringe';
import { keyset } from '../../platform/db/keyset';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import type { KeysetAfter } from '../../platform/http/paging';
import { APP_BINDING as A, TENANT as T, type AppBindingRow, type TenantRow } from './tenancy.entity';

export interface TenantFilter {
  spMchid?: string;
  subMchid?: string;
  status?: string;
}

const APPS_ORDER = 'order by created_at, appid';

/**
 * The tenant aggregate's SQL: the tenant table and its app bindings (app_binding). Methods take the
 * caller's transaction `em` when it has one, else run autocommit on the pool.
 */
@injectable()
export class TenantRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** The tenant by id. */
  find(id: string, em: Em = this.db.read()): Promise<TenantRow | undefined> {
    return T.findBy(em, { id }).then((r) => r[0]);
  }

  /** The tenant with this sub_mchid (unique across providers). */
  findBySubMchid(subMchid: string, em: Em = this.db.read()): Promise<TenantRow | undefined> {
    return T.findBy(em, { subMchid }).then((r) => r[0]);
  }

  /** The tenants with these sub_mchids. */
  findBySubMchids(subMchids: string[], em: Em = this.db.read()): Promise<TenantRow[]> {
    return T.findBy(em, { subMchid: subMchids });
  }

  /** The tenant of `spMchid` with `subMchid`. */
  findOfProvider(spMchid: string, subMchid: string, em: Em = this.db.read()): Promise<TenantRow | undefined> {
    return T.findBy(em, { spMchid, subMchid }).then((r) => r[0]);
  }

  /** Another tenant (not `exceptId`) with this sub_mchid. */
  findOtherBySubMchid(subMchid: string, exceptId: string | undefined, em: Em = this.db.read()): Promise<TenantRow | undefined> {
    if (exceptId === undefined) return this.findBySubMchid(subMchid, em);
    return T.selectOne(em, `${T.col('subMchid')} = ? and id <> ?`, [subMchid, exceptId]);
  }

  /** How many tenants have this sub_mchid, `exceptId` aside. */
  async countBySubMchid(subMchid: string, exceptId?: string, em: Em = this.db.read()): Promise<number> {
    if (exceptId === undefined) return T.countBy(em, { subMchid });
    const [r] = await em.execute<Array<{ n: number | string }>>(
      `select count(*) as n from ${T.name} where ${T.col('subMchid')} = ? and id <> ?`,
      [subMchid, exceptId],
    );
    return Number(r?.n ?? 0);
  }

  /** How many tenants exist with this id (0 or 1). */
  countById(id: string, em: Em = this.db.read()): Promise<number> {
    return T.countBy(em, { id });
  }

  /** Up to `limit` tenants newest first, filtered, after the keyset position. */
  list(f: TenantFilter, limit: number, after?: KeysetAfter): Promise<TenantRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...v: unknown[]) => {
      where.push(sql);
      params.push(...v);
    };
    if (f.spMchid) add('sp_mchid = ?', f.spMchid);
    if (f.subMchid) add('sub_mchid = ?', f.subMchid);
    if (f.status) add('status = ?', f.status);
    const page = keyset(T, 'createdAt', after && { n: after.sortKey, id: after.id }, limit);
    if (page.where) add(page.where.sql, ...page.where.params);
    return T.select(this.db.read(), where.join(' and '), params, page.tail);
  }

  /** Writes a new tenant in the caller's transaction. */
  insert(em: Em, row: TenantRow): Promise<void> {
    return T.insert(em, row);
  }

  /**
   * Writes a changed tenant, guarded by the version it was read at (optimistic lock); bumps the
   * version. False when another update came first.
   */
  async update(em: Em, row: TenantRow): Promise<boolean> {
    const { id, version, ...rest } = row;
    return (await T.update(em, { ...rest, version: version + 1 }, { id, version })) === 1;
  }

  /** The tenant's app bindings, oldest first. */
  apps(tenantId: string, em: Em = this.db.read()): Promise<AppBindingRow[]> {
    return A.findBy(em, { tenantId }, APPS_ORDER);
  }

  /** The app bindings of these tenants, oldest first. */
  appsOf(tenantIds: string[], em: Em = this.db.read()): Promise<AppBindingRow[]> {
    return tenantIds.length ? A.findBy(em, { tenantId: tenantIds }, APPS_ORDER) : Promise.resolve([]);
  }

  /** The tenant's binding of `appid`. */
  findApp(tenantId: string, appid: string, em: Em = this.db.read()): Promise<AppBindingRow | undefined> {
    return A.findBy(em, { tenantId, appid }).then((r) => r[0]);
  }

  /** Bindings holding any of these claims (see AppBindingRow). */
  appsByClaims(claims: string[], em: Em = this.db.read()): Promise<AppBindingRow[]> {
    return claims.length ? A.findBy(em, { claim: claims }) : Promise.resolve([]);
  }

  /** A tenant's own (not centralized) binding of `appid`, whichever tenant it is. */
  findOwnApp(appid: string, em: Em = this.db.read()): Promise<AppBindingRow | undefined> {
    return A.selectOne(em, `appid = ? and dev_mode <> 'centralized'`, [appid]);
  }

  /** How many own (not centralized) bindings any tenant has of these AppIDs. */
  async countOwnApps(appids: string[], em: Em = this.db.read()): Promise<number> {
    if (!appids.length) return 0;
    const sql = `select count(*) as n from ${A.name} where appid in (${appids.map(() => '?').join(', ')}) and dev_mode <> 'centralized'`;
    const [r] = await em.execute<Array<{ n: number | string }>>(sql, appids);
    return Number(r?.n ?? 0);
  }

  /** How many centralized bindings the tenants of `spMchid` have. */
  async countCentralizedOfProvider(spMchid: string, em: Em = this.db.read()): Promise<number> {
    const sql =
      `select count(*) as n from ${A.name} a join ${T.name} t on t.id = a.tenant_id ` +
      `where t.sp_mchid = ? and a.dev_mode = 'centralized'`;
    const [r] = await em.execute<Array<{ n: number | string }>>(sql, [spMchid]);
    return Number(r?.n ?? 0);
  }

  /** Writes new bindings in the caller's transaction (a taken claim raises a unique violation). */
  async insertApps(em: Em, rows: AppBindingRow[]): Promise<void> {
    for (const r of rows) await A.insert(em, r);
  }

  /** Deletes bindings by id in the caller's transaction. */
  async deleteApps(em: Em, ids: string[]): Promise<void> {
    if (ids.length) await A.deleteBy(em, { id: ids });
  }

  /** Marks the tenant's binding of `appid` authorized or withdrawn; answers whether it changed. */
  async setAppAuthorized(em: Em, tenantId: string, appid: string, authorized: boolean): Promise<boolean> {
    return (await A.update(em, { authorized }, { tenantId, appid, authorized: !authorized })) === 1;
  }

  /** Sets (or, null, removes) the sealed AppSecret of the tenant's binding of `appid`. */
  async setAppSecret(em: Em, tenantId: string, appid: string, sealed: string | null): Promise<void> {
    await A.update(em, { appSecret: sealed }, { tenantId, appid });
  }
}
