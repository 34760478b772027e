import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { forUpdate, run } from '../../platform/db/sql';
import { AUTHORIZATION as A, LINK as L, type AuthorizationRow, type LinkRow } from './open-platform.entity';

/**
 * The authorisation aggregate's SQL: each mini-program's authorisation of a component, and the
 * authorisation links operators asked for. Methods take the caller's transaction `em` when it has one.
 */
@injectable()
export class AuthorizationRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** The authorisation of `authorizerAppid` to `componentAppid`; `lock` reads it FOR UPDATE (MariaDB). */
  find(componentAppid: string, authorizerAppid: string, em: Em = this.db.read(), lock = false): Promise<AuthorizationRow | undefined> {
    return A.findBy(em, { componentAppid, authorizerAppid }, lock ? forUpdate(em).trim() : '').then((r) => r[0]);
  }

  /** The authorisation in force for an authorizer AppID (any component), or undefined. */
  authorizedApp(authorizerAppid: string): Promise<AuthorizationRow | undefined> {
    return A.findBy(this.db.read(), { authorizerAppid, state: 'authorized' }, 'order by updated_at desc').then((r) => r[0]);
  }

  /** Every authorisation of a component, newest change first. */
  ofComponent(componentAppid: string): Promise<AuthorizationRow[]> {
    return A.findBy(this.db.read(), { componentAppid }, 'order by state_changed_at desc, id');
  }

  /** Every authorisation bound to a tenant. */
  ofTenant(tenantId: string): Promise<AuthorizationRow[]> {
    return A.findBy(this.db.read(), { tenantId }, 'order by state_changed_at desc, id');
  }

  /** Writes a new authorisation (a second writer for the same pair raises a unique violation). */
  insert(em: Em, row: AuthorizationRow): Promise<void> {
    return A.insert(em, row);
  }

  /** Changes columns of one authorisation in the caller's transaction. */
  async update(em: Em, id: string, set: Partial<AuthorizationRow>): Promise<void> {
    await A.update(em, set, { id });
  }

  /** Writes a new link. */
  insertLink(em: Em, row: LinkRow): Promise<void> {
    return L.insert(em, row);
  }

  /** The link by id. */
  link(id: string, em: Em = this.db.read()): Promise<LinkRow | undefined> {
    return L.findBy(em, { id }).then((r) => r[0]);
  }

  /** The link that asked for `preAuthCode`. */
  linkByPreAuthCode(preAuthCode: string, em: Em = this.db.read()): Promise<LinkRow | undefined> {
    return L.findBy(em, { preAuthCode }).then((r) => r[0]);
  }

  /** Records how a link ended (idempotent: the same authorisation again writes the same values). */
  async completeLink(em: Em, id: string, authorizerAppid: string, authCodeHash: string, at: number): Promise<void> {
    await L.update(em, { authorizerAppid, authCodeHash, completedAt: at }, { id });
  }

  /** Deletes links created before `before` (their pre_auth_codes died long ago); answers how many went. */
  async purgeLinks(before: number): Promise<number> {
    return run(this.db.read(), `delete from ${L.name} where ${L.col('createdAt')} < ?`, [before]);
  }
}
