import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { run } from '../../platform/db/sql';
import { PORTAL_SESSION, TENANT_USER, type PortalSessionRow, type TenantUserRow } from './portal.entity';

/** Failed sign-ins in a row that lock an account, and for how long. */
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;

/** The tenant_user and portal_session tables' only SQL. */
@injectable()
export class PortalRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  insertUser(em: Em, u: TenantUserRow): Promise<void> {
    return TENANT_USER.insert(em, u);
  }

  userById(id: string, em: Em = this.db.read()): Promise<TenantUserRow | undefined> {
    return TENANT_USER.findBy(em, { id }).then((r) => r[0]);
  }

  userByLogin(login: string): Promise<TenantUserRow | undefined> {
    return TENANT_USER.findBy(this.db.read(), { login }).then((r) => r[0]);
  }

  userByInviteHash(hash: string): Promise<TenantUserRow | undefined> {
    return TENANT_USER.findBy(this.db.read(), { inviteTokenHash: hash }).then((r) => r[0]);
  }

  usersOf(tenantId: string): Promise<TenantUserRow[]> {
    return TENANT_USER.select(this.db.read(), 'tenant_id = ?', [tenantId], 'order by created_at, id');
  }

  /** Sets the password of an invited user once: false when the invitation was used meanwhile. */
  async acceptInvitation(id: string, passwordHash: string, now: number): Promise<boolean> {
    return (
      (await TENANT_USER.update(this.db.read(), { passwordHash, inviteUsedAt: now }, { id, inviteUsedAt: null, passwordHash: null })) === 1
    );
  }

  /**
   * Counts a failed sign-in in one statement (concurrent failures all count); the one that reaches
   * LOCK_AFTER_FAILURES locks the account until now + LOCK_MS and restarts the count.
   */
  async countFailure(id: string, now: number): Promise<void> {
    const lock = `failed_sign_ins + 1 >= ${LOCK_AFTER_FAILURES}`;
    await run(
      this.db.read(),
      `update tenant_user set locked_until = case when ${lock} then ? else locked_until end, ` +
        `failed_sign_ins = case when ${lock} then 0 else failed_sign_ins + 1 end where id = ?`,
      [now + LOCK_MS, id],
    );
  }

  async clearFailures(id: string): Promise<void> {
    await TENANT_USER.update(this.db.read(), { failedSignIns: 0, lockedUntil: null }, { id });
  }

  async setTotp(id: string, sealedSecret: string | null, enabled: boolean): Promise<void> {
    await TENANT_USER.update(this.db.read(), { totpSecret: sealedSecret, totpEnabled: enabled ? 1 : 0 }, { id });
  }

  /** Removes a user and its sessions in the caller's transaction; false when it was not the tenant's. */
  async removeUser(em: Em, tenantId: string, id: string): Promise<boolean> {
    await PORTAL_SESSION.deleteBy(em, { userId: id });
    return (await TENANT_USER.deleteBy(em, { id, tenantId })) === 1;
  }

  insertSession(s: PortalSessionRow): Promise<void> {
    return PORTAL_SESSION.insert(this.db.read(), s);
  }

  sessionByHash(tokenHash: string, now: number): Promise<PortalSessionRow | undefined> {
    return PORTAL_SESSION.selectOne(this.db.read(), 'token_hash = ? and expires_at > ?', [tokenHash, now]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await PORTAL_SESSION.deleteBy(this.db.read(), { tokenHash });
  }
}
