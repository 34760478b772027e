import { rfc3339 } from '../../platform/clock';
import type { AuthorizationRow, OpenPlatformRow } from './open-platform.entity';

/** A ticket older than this is stale: WeChat pushes every 10 minutes (the alert rule uses the same 30 minutes). */
export const TICKET_STALE_MS = 30 * 60_000;

const time = (ms: number | null | undefined) => (ms == null ? null : rfc3339(ms));

/** An authorisation as the admin API shows it: never a token. */
export function authorizationJson(a: AuthorizationRow) {
  return {
    component_appid: a.componentAppid,
    authorizer_appid: a.authorizerAppid,
    tenant_id: a.tenantId ?? null,
    state: a.state,
    authorized: a.state === 'authorized',
    func_info: JSON.parse(a.funcInfo) as number[],
    authorized_at: time(a.authorizedAt),
    unauthorized_at: time(a.unauthorizedAt),
    updated_at: rfc3339(a.updatedAt),
  };
}
export type AuthorizationJson = ReturnType<typeof authorizationJson>;

/** An account as the admin API shows it: which secrets are set (never their values), the ticket's age, the token's expiry. */
export function openPlatformJson(r: OpenPlatformRow, now: number, publicBaseUrl: string) {
  const base = publicBaseUrl.replace(/\/+$/, '');
  // An account that never received a ticket ages from its registration, so the stale alert covers it too.
  const ticketAge = Math.max(0, Math.round((now - (r.ticketReceivedAt ?? r.createdAt)) / 1000));
  return {
    component_appid: r.componentAppid,
    name: r.name,
    secrets: {
      component_appsecret_set: true,
      token_set: true,
      encoding_aes_key_set: true,
      previous_encoding_aes_key_set: r.previousEncodingAesKey != null,
    },
    events_url: `${base}/open-platform/${r.componentAppid}/events`,
    ticket: {
      received: r.ticket != null,
      created_at: time(r.ticketCreatedAt),
      received_at: time(r.ticketReceivedAt),
      age_seconds: ticketAge,
      stale: ticketAge * 1000 > TICKET_STALE_MS,
    },
    access_token: {
      present: r.accessToken != null && (r.accessTokenExpiresAt ?? 0) > now,
      expires_at: time(r.accessTokenExpiresAt && r.accessTokenExpiresAt > 0 ? r.accessTokenExpiresAt : null),
      fetched_at: time(r.tokenFetchedAt),
      version: r.accessTokenVersion,
      last_error: r.tokenError ?? null,
      last_error_at: time(r.tokenErrorAt),
    },
    created_at: rfc3339(r.createdAt),
    updated_at: rfc3339(r.updatedAt),
  };
}
export type OpenPlatformJson = ReturnType<typeof openPlatformJson>;
