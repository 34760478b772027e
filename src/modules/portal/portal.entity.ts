import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

export type PortalRole = 'owner' | 'staff' | 'viewer';

/**
 * A sub-merchant's staff member who signs in at /portal, scoped to one tenant. Invited by an operator:
 * the invitation token is kept only as a SHA-256 until it is used (once) or expires. The password is
 * an scrypt hash; the TOTP secret is sealed with the master key. Failed sign-ins are counted on the
 * row, and `lockedUntil` locks this account only.
 */
export const TenantUserEntity = defineEntity({
  name: 'TenantUser',
  tableName: 'tenant_user',
  uniques: [
    { name: 'tenant_user_login_unique', properties: ['login'] },
    { name: 'tenant_user_invite_hash_unique', properties: ['inviteTokenHash'] },
  ],
  indexes: [{ name: 'tenant_user_tenant_idx', properties: ['tenantId', 'createdAt'] }],
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40),
    login: p.string().length(128),
    role: p.string().length(16).$type<PortalRole>(),
    passwordHash: p.string().length(255).nullable(),
    totpSecret: p.text().nullable(),
    totpEnabled: p.integer(),
    inviteTokenHash: p.string().length(64).nullable(),
    inviteExpiresAt: p.bigint('number').nullable(),
    inviteUsedAt: p.bigint('number').nullable(),
    failedSignIns: p.integer(),
    lockedUntil: p.bigint('number').nullable(),
    invitedBy: p.string().length(64),
    createdAt: p.bigint('number'),
  },
});

/** A signed-in portal user's session; the cookie's token is kept only as a SHA-256. */
export const PortalSessionEntity = defineEntity({
  name: 'PortalSession',
  tableName: 'portal_session',
  indexes: [{ name: 'portal_session_user_idx', properties: ['userId'] }],
  properties: {
    tokenHash: p.string().length(64).primary(),
    userId: p.string().length(40),
    tenantId: p.string().length(40),
    createdAt: p.bigint('number'),
    expiresAt: p.bigint('number'),
  },
});

export type TenantUserRow = RowOf<typeof TenantUserEntity>;
export type PortalSessionRow = RowOf<typeof PortalSessionEntity>;
export const TENANT_USER = table(TenantUserEntity);
export const PORTAL_SESSION = table(PortalSessionEntity);
