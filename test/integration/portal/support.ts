import assert from 'node:assert/strict';
import request from 'supertest';
import type { TestApp } from '../../support/app';
import { admin } from '../../support/tenancy';

let seq = 0;
/** A fresh login (logins are unique across tenants). */
export const uniqueLogin = (who = 'clerk') => `${who}.${Date.now().toString(36)}${(seq++).toString(36)}@shop.example`;
/** A password the rule accepts. */
export const GOOD_PASSWORD = 'Counter-Bell-42-Lantern';

/** Invites a portal user as the bootstrap operator; answers the invitation token and the user. */
export async function invite(t: TestApp, tenantId: string, role: 'owner' | 'staff' | 'viewer', login = uniqueLogin(role)) {
  const res = await request(t.http)
    .post(`/admin/v1/tenants/${tenantId}/users`)
    .set(...admin(t))
    .send({ login, role });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return {
    login,
    token: res.body.invitation.token as string,
    user: res.body.user as { id: string },
    url: res.body.invitation.url as string,
  };
}

/** A signed-in portal session: the Cookie header to send and the CSRF token for writes. */
export interface PortalSession {
  cookie: [string, string];
  csrf: [string, string];
  body: Record<string, unknown>;
}

export async function signIn(t: TestApp, login: string, password = GOOD_PASSWORD, totp?: string): Promise<PortalSession> {
  const res = await request(t.http)
    .post('/portal/v1/session')
    .send({ login, password, ...(totp ? { totp } : {}) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const pair = set[0]!.split(';')[0]!;
  return { cookie: ['Cookie', pair], csrf: ['X-CSRF-Token', res.body.csrf_token], body: res.body };
}

/** Invites, accepts with GOOD_PASSWORD and signs in. */
export async function portalUser(t: TestApp, tenantId: string, role: 'owner' | 'staff' | 'viewer') {
  const inv = await invite(t, tenantId, role);
  const ok = await request(t.http).post('/portal/v1/invitations/accept').send({ token: inv.token, password: GOOD_PASSWORD });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  return { ...inv, session: await signIn(t, inv.login) };
}
