import { z } from 'zod';

const time = z.string().describe('RFC 3339, +08:00');

/** A portal user as operators and the portal show it: never a password, TOTP secret or invitation token. */
export const portalUserSchema = z
  .object({
    id: z.string().describe('tu_...'),
    tenant_id: z.string(),
    login: z.string(),
    role: z.enum(['owner', 'staff', 'viewer']),
    state: z.enum(['invited', 'active']).describe('invited until the invitation is accepted'),
    totp: z.boolean().describe('sign-ins need a TOTP code'),
    invitation_expires_at: time.nullable().describe('while invited'),
    locked_until: time.nullable().describe('set after repeated failed sign-ins'),
    created_at: time,
  })
  .meta({ id: 'PortalUser', description: "One of a tenant's portal users" });

/** The tenant a portal session is scoped to. */
export const portalTenantSchema = z
  .object({ id: z.string(), name: z.string(), sub_mchid: z.string(), status: z.string() })
  .meta({ id: 'PortalTenant', description: 'The tenant a portal user belongs to' });

/** POST|GET /portal/v1/session. */
export const portalSessionSchema = z
  .object({
    user: portalUserSchema,
    tenant: portalTenantSchema,
    csrf_token: z.string().describe('send it in csrf_header on every write'),
    csrf_header: z.string().describe('X-CSRF-Token'),
  })
  .meta({ id: 'PortalSession', description: 'The signed-in portal user, its tenant and the CSRF token for writes' });

/** POST /admin/v1/tenants/{id}/users. */
export const portalInvitationSchema = z
  .object({
    user: portalUserSchema,
    invitation: z.object({
      url: z.string().describe('the link to send the user (the token is in its fragment)'),
      token: z.string().describe('inv_...: shown this once only'),
      expires_at: time.describe('72 h after the invitation'),
    }),
  })
  .meta({ id: 'PortalInvitation', description: 'A new portal user and its one-time invitation link' });

/** GET /admin/v1/tenants/{id}/users. */
export const portalUserPageSchema = z
  .object({ data: z.array(portalUserSchema), next_cursor: z.null().describe('always one page') })
  .meta({ id: 'PortalUserPage', description: "A tenant's portal users" });

/** POST /portal/v1/invitations/accept. */
export const portalAcceptedSchema = z.object({ user: portalUserSchema }).meta({ id: 'PortalInvitationAccepted' });

/** POST /portal/v1/totp. */
export const portalTotpSecretSchema = z
  .object({
    secret: z.string().describe('base32, for an authenticator app'),
    otpauth_uri: z.string().describe('otpauth://totp/... to show as a QR code'),
  })
  .meta({ id: 'PortalTotpSecret', description: 'A new TOTP secret, on only after /portal/v1/totp/confirm' });

/** POST /portal/v1/totp/confirm. */
export const portalTotpOnSchema = z.object({ totp: z.literal(true) }).meta({ id: 'PortalTotpOn' });

/** GET /portal/v1/onboarding. */
export const portalOnboardingSchema = z
  .object({
    tenant: portalTenantSchema,
    applyment: z
      .object({
        state: z.string().describe("WeChat Pay's applyment_state"),
        state_desc: z.string().nullable(),
        applyment_id: z.number().int().nullable(),
        audit_detail: z.array(z.object({ field: z.string(), field_name: z.string(), reject_reason: z.string() })),
        sign_url: z.string().nullable().describe('the page the legal person scans to sign'),
        updated_at: time,
      })
      .nullable()
      .describe('null when the tenant was onboarded without an applyment here'),
  })
  .meta({ id: 'PortalOnboarding', description: "Where the tenant's onboarding (特约商户进件) stands" });
