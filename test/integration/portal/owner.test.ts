import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, type Provider, type Tenant } from '../../support/payments';
import { GOOD_PASSWORD, portalUser, signIn, uniqueLogin } from './support';

let t: TestApp;
let p: Provider;
let shop: Tenant;
let other: Tenant;

before(async () => {
  t = await startTestApp();
  p = await givenWechatProvider(t, rsaPems());
  shop = await givenWechatTenant(t, p);
  other = await givenWechatTenant(t, p);
});
after(() => t.close());

/** The audit log's entries of one action on one tenant, by actor. */
async function audited(action: string, tenantId: string) {
  const res = await request(t.http)
    .get(`/admin/v1/audit-log?action=${action}&target=tenant:${tenantId}`)
    .set(...admin(t))
    .expect(200);
  return res.body.data as Array<{ actor: string; action: string }>;
}

test("An owner invites a user to its shop, changes its role and removes it (CSRF-checked, audited as the portal user); staff and viewers may not, another shop's user is 404, and the owner cannot demote itself", async () => {
  const owner = await portalUser(t, shop.id, 'owner');
  const staff = await portalUser(t, shop.id, 'staff');
  const stranger = await portalUser(t, other.id, 'staff');
  const s = owner.session;

  const login = uniqueLogin('cashier');
  const noCsrf = await request(t.http)
    .post('/portal/v1/users')
    .set(...s.cookie)
    .send({ login, role: 'viewer' });
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.body.detail.reason, 'csrf');
  const byStaff = await request(t.http)
    .post('/portal/v1/users')
    .set(...staff.session.cookie)
    .set(...staff.session.csrf)
    .send({ login, role: 'viewer' });
  assert.equal(byStaff.status, 403, 'staff may not invite');
  assert.equal(
    (
      await request(t.http)
        .get('/portal/v1/users')
        .set(...staff.session.cookie)
    ).status,
    403,
    'nor list users',
  );

  const invited = await request(t.http)
    .post('/portal/v1/users')
    .set(...s.cookie)
    .set(...s.csrf)
    .send({ login, role: 'viewer' });
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
  assert.equal(invited.body.user.tenant_id, shop.id, 'invited into the owner’s own shop');
  assert.match(invited.body.invitation.url, /\/portal\/invitation#inv_/);
  const accepted = await request(t.http)
    .post('/portal/v1/invitations/accept')
    .send({ token: invited.body.invitation.token, password: GOOD_PASSWORD });
  assert.equal(accepted.status, 200);
  const userId = invited.body.user.id as string;

  const list = await request(t.http)
    .get('/portal/v1/users')
    .set(...s.cookie)
    .expect(200);
  const logins = (list.body.data as Array<{ login: string }>).map((u) => u.login);
  assert.ok(logins.includes(login) && logins.includes(owner.login));
  assert.ok(!logins.includes(stranger.login), "another shop's users are not listed");
  assert.ok(!JSON.stringify(list.body).match(/hash|scrypt/i), 'no password hash');

  const promoted = await request(t.http)
    .patch(`/portal/v1/users/${userId}`)
    .set(...s.cookie)
    .set(...s.csrf)
    .send({ role: 'staff' });
  assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
  assert.equal(promoted.body.user.role, 'staff');
  const asThem = await signIn(t, login);
  assert.equal((asThem.body.user as { role: string }).role, 'staff', 'the next session has the new role');
  const badRole = await request(t.http)
    .patch(`/portal/v1/users/${userId}`)
    .set(...s.cookie)
    .set(...s.csrf)
    .send({ role: 'admin' });
  assert.equal(badRole.status, 400);
  assert.match(JSON.stringify(badRole.body), /must be owner, staff or viewer/);

  const self = await request(t.http)
    .patch(`/portal/v1/users/${owner.user.id}`)
    .set(...s.cookie)
    .set(...s.csrf)
    .send({ role: 'viewer' });
  assert.equal(self.status, 409);
  assert.equal(self.body.detail.reason, 'self');
  const strangersUser = await request(t.http)
    .delete(`/portal/v1/users/${stranger.user.id}`)
    .set(...s.cookie)
    .set(...s.csrf);
  assert.equal(strangersUser.status, 404, "another shop's user is not found");
  await request(t.http)
    .get('/portal/v1/session')
    .set(...stranger.session.cookie)
    .expect(200);

  await request(t.http)
    .delete(`/portal/v1/users/${userId}`)
    .set(...s.cookie)
    .set(...s.csrf)
    .expect(204);
  assert.equal(
    (
      await request(t.http)
        .get('/portal/v1/session')
        .set(...asThem.cookie)
    ).status,
    401,
    'its session ended at once',
  );

  const actor = `portal:${owner.user.id}`;
  for (const action of ['tenant.user_invite', 'tenant.user_role', 'tenant.user_remove'])
    assert.equal((await audited(action, shop.id)).filter((e) => e.actor === actor).length, 1, `${action} audited once as ${actor}`);
});

test('An owner sets the webhook URL, rotates the webhook secret (shown once) and makes and revokes secret keys of its own shop only; a viewer may not', async () => {
  const owner = await portalUser(t, shop.id, 'owner');
  const viewer = await portalUser(t, shop.id, 'viewer');
  const s = owner.session;
  const write = (method: 'put' | 'post' | 'delete', path: string, body?: object, as = s) => {
    const agent = request(t.http);
    return agent[method](path)
      .set(...as.cookie)
      .set(...as.csrf)
      .send(body);
  };

  const url = 'https://shop.example/partnerpay/webhook';
  const put = await write('put', '/portal/v1/webhook', { webhook_url: url });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.webhook_url, url);
  const tenant = await request(t.http)
    .get(`/admin/v1/tenants/${shop.id}`)
    .set(...admin(t))
    .expect(200);
  assert.equal(tenant.body.webhook_url, url, 'the tenant has it');
  const bad = await write('put', '/portal/v1/webhook', { webhook_url: 'not a url' });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /webhook_url/);
  assert.equal((await write('put', '/portal/v1/webhook', { webhook_url: null }, viewer.session)).status, 403, 'a viewer may not');
  assert.equal(
    (
      await request(t.http)
        .get('/portal/v1/webhook')
        .set(...s.cookie)
        .expect(200)
    ).body.webhook_url,
    url,
    'nothing changed by the refused writes',
  );

  const rotated = await write('post', '/portal/v1/webhook-secret/rotate', { previous_expires_in_seconds: 3600 });
  assert.equal(rotated.status, 201, JSON.stringify(rotated.body));
  assert.ok(rotated.body.webhook_secret.length >= 32);

  const made = await write('post', '/portal/v1/secret-keys');
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.match(made.body.secret_key, /^sk_/);
  const works = await request(t.http).get('/v1/orders/none-such').set('Authorization', `Bearer ${made.body.secret_key}`);
  assert.equal(works.status, 404, 'the new key authenticates');
  const listed = await request(t.http)
    .get('/portal/v1/secret-keys')
    .set(...s.cookie)
    .expect(200);
  assert.ok((listed.body.data as Array<{ id: string }>).some((k) => k.id === made.body.id));
  assert.ok(!JSON.stringify(listed.body).includes(made.body.secret_key), 'never the key itself');
  assert.equal(
    (
      await request(t.http)
        .get('/portal/v1/secret-keys')
        .set(...viewer.session.cookie)
    ).status,
    403,
  );

  const strangerOwner = await portalUser(t, other.id, 'owner');
  assert.equal((await write('delete', `/portal/v1/secret-keys/${made.body.id}`, undefined, strangerOwner.session)).status, 404);
  await write('delete', `/portal/v1/secret-keys/${made.body.id}`).expect(204);
  const refused = await request(t.http).get('/v1/orders/none-such').set('Authorization', `Bearer ${made.body.secret_key}`);
  assert.equal(refused.status, 401, 'the revoked key no longer authenticates');
  for (const action of ['tenant.update', 'tenant.webhook_secret_rotate', 'tenant.secret_key_create', 'tenant.secret_key_revoke'])
    assert.ok(
      (await audited(action, shop.id)).some((e) => e.actor === `portal:${owner.user.id}`),
      `${action} audited as the portal user`,
    );
});
