import { createHash, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import { rfc3339, type Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import { isUniqueViolation } from '../../platform/db/sql';
import { newId } from '../../platform/ids';
import { SecretBox } from '../../platform/secrets/secret-box';
import { AuditLog, type WriteContext } from '../operators';
import type { TenantDirectory, TenantView } from '../tenancy';
import { TENANT_USER, type PortalRole, type TenantUserRow } from './portal.entity';
import { LOCK_MS, PortalRepository } from './portal.repository';
import { hashPassword, passwordIssues, verifyPassword } from './password';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp';

/** An invitation is valid this long (contract: 72 h). */
export const INVITATION_TTL_MS = 72 * 3_600_000;
/** A portal session lasts this long after sign-in. */
export const SESSION_TTL_MS = 12 * 3_600_000;
const TOTP_PURPOSE = 'portal.totp';

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** The CSRF token of a session: derived from its secret token, so it needs no storage and no one without the cookie can make it. */
export const csrfTokenOf = (sessionToken: string) => createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');

/** A signed-in portal user: the row, its tenant and the session it came with. */
export interface PortalPrincipal {
  user: TenantUserRow;
  tenant: TenantView;
  sessionHash: string;
}

/** Tenant users: invitations (operators), passwords, TOTP, sign-in with per-account lock-out, sessions. */
@injectable()
export class PortalUsersService {
  // A hash to verify against when the login is unknown, so the answer takes as long as for a known one.
  private readonly decoy = hashPassword(randomBytes(16).toString('hex'));

  constructor(
    @inject(PortalRepository) readonly repo: PortalRepository,
    @inject(TOKENS.Tenants) private readonly tenants: TenantDirectory,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(SecretBox) private readonly box: SecretBox,
    @inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  /** POST /admin/v1/tenants/{id}/users: the user and its one-time invitation (token shown this once). */
  async invite(tenantId: string, login: string, role: PortalRole, ctx: WriteContext) {
    const tenant = await this.tenants.byId(tenantId);
    if (!tenant) throw AppError.notFound(`tenant ${tenantId}`);
    const token = newId('inv', 32);
    const now = this.clock.now();
    const user: TenantUserRow = {
      id: newId('tu'),
      tenantId,
      login,
      role,
      passwordHash: null,
      totpSecret: null,
      totpEnabled: 0,
      inviteTokenHash: sha256(token),
      inviteExpiresAt: now + INVITATION_TTL_MS,
      inviteUsedAt: null,
      failedSignIns: 0,
      lockedUntil: null,
      invitedBy: ctx.actor,
      createdAt: now,
    };
    try {
      await this.repo.db.tx(async (em) => {
        await this.repo.insertUser(em, user);
        await this.audit.record(em, ctx, { action: 'tenant.user_invite', target: `tenant:${tenantId}`, after: userJson(user) });
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError('CONFLICT', `login ${login} is already a portal user; remove it first or choose another login`, { login });
      throw err;
    }
    return { user, token, url: `${this.config.server.publicBaseUrl}/portal/invitation#${token}` };
  }

  /** DELETE /admin/v1/tenants/{id}/users/{user_id}: the user and its sessions are gone at once. */
  async remove(tenantId: string, userId: string, ctx: WriteContext): Promise<void> {
    const user = await this.repo.userById(userId);
    if (!user || user.tenantId !== tenantId) throw AppError.notFound(`user ${userId}`);
    await this.repo.db.tx(async (em) => {
      if (!(await this.repo.removeUser(em, tenantId, userId))) throw AppError.notFound(`user ${userId}`);
      await this.audit.record(em, ctx, { action: 'tenant.user_remove', target: `tenant:${tenantId}`, before: userJson(user) });
    });
  }

  /** PATCH /portal/v1/users/{user_id}: a new role for one of the tenant's users, audited (the same role: nothing changes). */
  async changeRole(tenantId: string, userId: string, role: PortalRole, ctx: WriteContext): Promise<TenantUserRow> {
    const user = await this.repo.userById(userId);
    if (!user || user.tenantId !== tenantId) throw AppError.notFound(`user ${userId}`);
    if (user.role === role) return user;
    const after = { ...user, role };
    await this.repo.db.tx(async (em) => {
      // Guarded on the role read above: of two concurrent changes only one is applied and audited.
      if ((await TENANT_USER.update(em, { role }, { id: userId, tenantId, role: user.role })) !== 1)
        throw new AppError('CONFLICT', `user ${userId} was changed meanwhile: reload and try again`);
      await this.audit.record(em, ctx, {
        action: 'tenant.user_role',
        target: `tenant:${tenantId}`,
        before: userJson(user),
        after: userJson(after),
      });
    });
    return after;
  }

  /** POST /portal/v1/invitations/accept: sets the password once, while the invitation is valid. */
  async acceptInvitation(token: string, password: string): Promise<TenantUserRow> {
    const user = await this.repo.userByInviteHash(sha256(token));
    if (!user) throw AppError.notFound('invitation (ask your platform operator for a new one)');
    if (user.inviteUsedAt !== null || user.passwordHash !== null)
      throw new AppError('CONFLICT', 'this invitation was already used: sign in with your password', { reason: 'invitation_used' });
    if ((user.inviteExpiresAt ?? 0) <= this.clock.now())
      throw new AppError(
        'UNPROCESSABLE',
        'this invitation has expired (they are valid 72 hours): ask your platform operator for a new one',
        {
          reason: 'invitation_expired',
        },
      );
    const issues = passwordIssues(password, user.login);
    if (issues.length) throw AppError.invalid(issues);
    if (!(await this.repo.acceptInvitation(user.id, await hashPassword(password), this.clock.now())))
      throw new AppError('CONFLICT', 'this invitation was already used: sign in with your password', { reason: 'invitation_used' });
    return (await this.repo.userById(user.id))!;
  }

  /**
   * POST /portal/v1/session. A wrong password or TOTP code counts against this account only; the
   * fifth in a row locks it for 15 minutes (429 with Retry-After), even for the right password.
   */
  async signIn(login: string, password: string, totp: string | undefined): Promise<{ token: string; principal: PortalPrincipal }> {
    const wrong = () => AppError.unauthenticated('wrong login or password');
    const user = await this.repo.userByLogin(login);
    if (!user || !user.passwordHash) {
      await verifyPassword(password, await this.decoy);
      throw wrong();
    }
    const now = this.clock.now();
    this.assertUnlocked(user, now);
    if (!(await verifyPassword(password, user.passwordHash))) throw await this.failure(user, wrong());
    if (user.totpEnabled) {
      if (!totp) throw new AppError('UNAUTHENTICATED', 'this account needs its authenticator code (totp)', { reason: 'totp_required' });
      if (!verifyTotp(await this.box.open(user.totpSecret!, TOTP_PURPOSE), totp, now))
        throw await this.failure(user, new AppError('UNAUTHENTICATED', 'wrong authenticator code', { reason: 'totp_wrong' }));
    }
    const tenant = await this.tenants.byId(user.tenantId);
    if (!tenant) throw wrong();
    if (user.failedSignIns || user.lockedUntil) await this.repo.clearFailures(user.id);
    const token = newId('pps', 32);
    const sessionHash = sha256(token);
    await this.repo.insertSession({
      tokenHash: sessionHash,
      userId: user.id,
      tenantId: user.tenantId,
      createdAt: now,
      expiresAt: now + SESSION_TTL_MS,
    });
    return { token, principal: { user, tenant, sessionHash } };
  }

  /** The principal of a session cookie's token, or undefined (unknown, expired, or its user removed). */
  async authenticate(token: string): Promise<PortalPrincipal | undefined> {
    const sessionHash = sha256(token);
    const session = await this.repo.sessionByHash(sessionHash, this.clock.now());
    if (!session) return undefined;
    const user = await this.repo.userById(session.userId);
    const tenant = user && (await this.tenants.byId(user.tenantId));
    return user && tenant ? { user, tenant, sessionHash } : undefined;
  }

  signOut(p: PortalPrincipal): Promise<void> {
    return this.repo.deleteSession(p.sessionHash);
  }

  /** POST /portal/v1/totp: a new secret, not yet required; confirmTotp turns it on. */
  async beginTotp(p: PortalPrincipal): Promise<{ secret: string; otpauth_uri: string }> {
    if (p.user.totpEnabled) throw new AppError('CONFLICT', 'TOTP is already on for this account', { reason: 'totp_enabled' });
    const secret = newTotpSecret();
    await this.repo.setTotp(p.user.id, await this.box.seal(secret, TOTP_PURPOSE), false);
    return { secret, otpauth_uri: otpauthUri(secret, p.user.login) };
  }

  /** POST /portal/v1/totp/confirm: the first right code turns TOTP on; a wrong one changes nothing. */
  async confirmTotp(p: PortalPrincipal, code: string): Promise<void> {
    const user = (await this.repo.userById(p.user.id))!;
    if (user.totpEnabled) throw new AppError('CONFLICT', 'TOTP is already on for this account', { reason: 'totp_enabled' });
    if (!user.totpSecret) throw new AppError('CONFLICT', 'start with POST /portal/v1/totp first', { reason: 'totp_not_started' });
    if (!verifyTotp(await this.box.open(user.totpSecret, TOTP_PURPOSE), code, this.clock.now()))
      throw new AppError('PARAM_ERROR', 'wrong authenticator code: TOTP stays off', {
        fields: [{ field: 'code', issue: 'is not the current code' }],
      });
    await this.repo.setTotp(user.id, user.totpSecret, true);
  }

  private assertUnlocked(user: TenantUserRow, now: number): void {
    if (user.lockedUntil != null && user.lockedUntil > now) {
      const err = AppError.rateLimited((user.lockedUntil - now) / 1000, 'this account is locked after repeated failed sign-ins');
      (err.detail as Record<string, unknown>).reason = 'account_locked';
      throw err;
    }
  }

  private async failure(user: TenantUserRow, error: AppError): Promise<AppError> {
    const now = this.clock.now();
    await this.repo.countFailure(user.id, now);
    const after = await this.repo.userById(user.id);
    if (after?.lockedUntil && after.lockedUntil > now) {
      const err = AppError.rateLimited(LOCK_MS / 1000, 'this account is now locked after repeated failed sign-ins');
      (err.detail as Record<string, unknown>).reason = 'account_locked';
      return err;
    }
    return error;
  }
}

/** A tenant user as the APIs show it (never a hash or secret). */
export function userJson(u: TenantUserRow) {
  const state = u.passwordHash ? ('active' as const) : ('invited' as const);
  return {
    id: u.id,
    tenant_id: u.tenantId,
    login: u.login,
    role: u.role,
    state,
    totp: Boolean(u.totpEnabled),
    invitation_expires_at: state === 'invited' && u.inviteExpiresAt ? rfc3339(u.inviteExpiresAt) : null,
    locked_until: u.lockedUntil != null ? rfc3339(u.lockedUntil) : null,
    created_at: rfc3339(u.createdAt),
  };
}
