import { test, before, after } from 'node:test';
import { z } from 'zod';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, givenProvider, givenTenant, rsaPems } from '../../support/tenancy';
import { MODULES } from '../../../src/app/modules';
import { ApiRouter } from '../../../src/platform/http/route';
import type { AppModule } from '../../../src/platform/module';
import { tenantAuth, tenantOf } from '../../../src/modules/tenancy/tenant-auth';
import { operatorAuth, operatorOf } from '../../../src/modules/operators/operator-auth';

/** Routes that only echo who authenticated, to test the middlewares other modules import. */
const probe: AppModule = {
  name: 'auth-probe',
  routers: (c) => [
    new ApiRouter()
      .route(
        {
          method: 'get',
          path: '/v1/whoami',
          summary: 'probe',
          tags: ['test'],
          auth: 'tenant',
          responses: { 200: { description: 'ok', schema: z.object({ tenant_id: z.string() }) } },
        },
        tenantAuth(c),
        ({ req }) => ({ tenant_id: tenantOf(req).id }),
      )
      .route(
        {
          method: 'get',
          path: '/admin/v1/whoami',
          summary: 'probe',
          tags: ['test'],
          auth: 'operator',
          responses: {
            200: { description: 'ok', schema: z.object({ id: z.string(), name: z.string(), role: z.enum(['admin', 'viewer']) }) },
          },
        },
        operatorAuth(c, 'viewer'),
        ({ req }) => operatorOf(req),
      ),
  ],
};

let t: TestApp;
let keys: ReturnType<typeof rsaPems>;
let spMchid: string;
before(async () => {
  keys = rsaPems();
  t = await startTestApp({ security: { authFailuresPerMinute: 1000 } }, { modules: [...MODULES, probe] });
  spMchid = (await givenProvider(t, keys)).spMchid;
});
after(async () => t.close());

test('When operators are created, listed and deleted, then tokens are shown once, roles apply and a deleted token stops working', async () => {
  const made = await request(t.http)
    .post('/admin/v1/operators')
    .set(...admin(t))
    .send({ name: 'Li Lei', role: 'admin' });
  assert.equal(made.status, 201);
  assert.match(made.body.token, /^op_[A-Za-z0-9_-]{43}$/);
  assert.equal(made.body.role, 'admin');
  const opAuth = ['Authorization', `Bearer ${made.body.token}`] as const;
  const me = await request(t.http)
    .get('/admin/v1/whoami')
    .set(...opAuth);
  assert.deepEqual(me.body, { id: made.body.id, name: 'Li Lei', role: 'admin' });
  const operatorsMe = await request(t.http)
    .get('/admin/v1/operators/me')
    .set(...opAuth);
  assert.equal(operatorsMe.status, 200, JSON.stringify(operatorsMe.body));
  assert.deepEqual(operatorsMe.body, { id: made.body.id, name: 'Li Lei', role: 'admin' }, 'the console reads who it is, no token');

  const viewer = await request(t.http)
    .post('/admin/v1/operators')
    .set(...opAuth)
    .send({ name: 'Han Meimei', role: 'viewer' });
  assert.equal(viewer.status, 201);
  const vAuth = ['Authorization', `Bearer ${viewer.body.token}`] as const;
  const list = await request(t.http)
    .get('/admin/v1/operators')
    .set(...vAuth);
  assert.equal(list.status, 200);
  assert.ok(list.body.data.some((o: { id: string }) => o.id === viewer.body.id));
  assert.ok(list.body.data.every((o: Record<string, unknown>) => !('token' in o) && !('token_hash' in o)));
  assert.equal(
    (
      await request(t.http)
        .post('/admin/v1/operators')
        .set(...vAuth)
        .send({ name: 'x', role: 'admin' })
    ).status,
    403,
  );
  assert.equal(
    (
      await request(t.http)
        .delete(`/admin/v1/operators/${made.body.id}`)
        .set(...vAuth)
    ).status,
    403,
  );
  assert.equal(
    (
      await request(t.http)
        .post('/admin/v1/operators')
        .set(...opAuth)
        .send({ name: 'x', role: 'root' })
    ).status,
    400,
  );
  assert.equal(
    (
      await request(t.http)
        .post('/admin/v1/operators')
        .set(...opAuth)
        .send({ role: 'admin' })
    ).status,
    400,
  );

  assert.equal(
    (
      await request(t.http)
        .delete(`/admin/v1/operators/${viewer.body.id}`)
        .set(...opAuth)
    ).status,
    204,
  );
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/operators')
        .set(...vAuth)
    ).status,
    401,
  );
  assert.equal(
    (
      await request(t.http)
        .delete(`/admin/v1/operators/${viewer.body.id}`)
        .set(...opAuth)
    ).status,
    404,
  );
  assert.equal((await request(t.http).get('/admin/v1/operators')).status, 401);
  assert.equal((await request(t.http).post('/admin/v1/operators').send({ name: 'x', role: 'admin' })).status, 401);
  assert.equal((await request(t.http).delete(`/admin/v1/operators/${made.body.id}`)).status, 401);

  const audit = await request(t.http)
    .get('/admin/v1/audit-log')
    .query({ target: `operator:${viewer.body.id}` })
    .set(...admin(t));
  assert.deepEqual(
    audit.body.data.map((e: { action: string; actor: string }) => [e.action, e.actor]),
    [
      ['operator.revoke', made.body.id],
      ['operator.create', made.body.id],
    ],
  );
});

test('When a tenant secret key is used on /admin, then 401 UNAUTHENTICATED (it is not an operator credential)', async () => {
  const tenant = await givenTenant(t, spMchid);
  for (const path of ['/admin/v1/whoami', '/admin/v1/tenants', `/admin/v1/tenants/${tenant.id}`]) {
    const res = await request(t.http).get(path).set('Authorization', `Bearer ${tenant.secret_key}`);
    assert.equal(res.status, 401, path);
    assert.equal(res.body.code, 'UNAUTHENTICATED');
    assert.equal(res.headers['www-authenticate'], 'Bearer');
  }
  // ...and an operator token never works on the tenant API.
  assert.equal(
    (
      await request(t.http)
        .get('/v1/whoami')
        .set(...admin(t))
    ).status,
    401,
  );
});

test('When a tenant calls with its key, then tenantAuth sets the tenant; revoked keys 401; suspended tenants 403 TENANT_SUSPENDED', async () => {
  const tenant = await givenTenant(t, spMchid);
  const ok = await request(t.http).get('/v1/whoami').set('Authorization', `Bearer ${tenant.secret_key}`);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.tenant_id, tenant.id);
  assert.equal((await request(t.http).get('/v1/whoami')).status, 401);
  assert.equal(
    (
      await request(t.http)
        .get('/v1/whoami')
        .set('Authorization', `Bearer sk_${'A'.repeat(43)}`)
    ).status,
    401,
  );
  assert.equal((await request(t.http).get('/v1/whoami').set('Authorization', 'Basic abc')).status, 401);

  await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t))
    .send({ status: 'suspended' });
  const suspended = await request(t.http).get('/v1/whoami').set('Authorization', `Bearer ${tenant.secret_key}`);
  assert.equal(suspended.status, 403);
  assert.equal(suspended.body.code, 'TENANT_SUSPENDED');
  await request(t.http)
    .patch(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t))
    .send({ status: 'active' });

  await request(t.http)
    .delete(`/admin/v1/tenants/${tenant.id}/secret-keys/${tenant.secret_key_id}`)
    .set(...admin(t));
  assert.equal((await request(t.http).get('/v1/whoami').set('Authorization', `Bearer ${tenant.secret_key}`)).status, 401);
});

test('When one credential fails more than authFailuresPerMinute times from one address, then that pair is 429 and nobody else is locked out', async () => {
  const limited = await startTestApp({ security: { authFailuresPerMinute: 3 } }, { modules: [...MODULES, probe] });
  try {
    const sp = await givenProvider(limited, keys);
    const tenant = await givenTenant(limited, sp.spMchid);
    const bad = `sk_${'B'.repeat(43)}`;
    for (let i = 0; i < 3; i++)
      assert.equal((await request(limited.http).get('/v1/whoami').set('Authorization', `Bearer ${bad}`)).status, 401);
    const blocked = await request(limited.http).get('/v1/whoami').set('Authorization', `Bearer ${bad}`);
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.code, 'FREQUENCY_LIMITED');
    assert.ok(Number(blocked.headers['retry-after']) >= 1 && Number(blocked.headers['retry-after']) <= 60);
    // Same address (think: one TLS proxy in front of every tenant): the valid tenant and the operator still pass.
    assert.equal((await request(limited.http).get('/v1/whoami').set('Authorization', `Bearer ${tenant.secret_key}`)).status, 200);
    assert.equal(
      (
        await request(limited.http)
          .get('/admin/v1/tenants')
          .set(...admin(limited))
      ).status,
      200,
    );
    // Another bad key is its own pair: 401, not 429.
    assert.equal(
      (
        await request(limited.http)
          .get('/v1/whoami')
          .set('Authorization', `Bearer sk_${'C'.repeat(43)}`)
      ).status,
      401,
    );
    for (let i = 0; i < 3; i++)
      assert.equal((await request(limited.http).get('/admin/v1/tenants').set('Authorization', `Bearer wrong-operator-${i}`)).status, 401);
    assert.equal(
      (
        await request(limited.http)
          .get('/admin/v1/tenants')
          .set(...admin(limited))
      ).status,
      200,
    );
  } finally {
    await limited.close();
  }
});

test('When PARTNERPAY_TRUST_PROXY names the proxy, then failures count per forwarded client address; without it the header is ignored', async () => {
  const behind = await startTestApp(
    { server: { trustProxy: 'loopback' }, security: { authFailuresPerMinute: 2 } },
    { modules: [...MODULES, probe] },
  );
  const direct = await startTestApp({ security: { authFailuresPerMinute: 2 } }, { modules: [...MODULES, probe] });
  try {
    const bad = `sk_${'D'.repeat(43)}`;
    const hit = (app: typeof behind, from: string) =>
      request(app.http).get('/v1/whoami').set('Authorization', `Bearer ${bad}`).set('X-Forwarded-For', from);
    for (const app of [behind, direct]) for (let i = 0; i < 2; i++) assert.equal((await hit(app, '203.0.113.1')).status, 401);
    assert.equal((await hit(behind, '203.0.113.1')).status, 429);
    assert.equal((await hit(behind, '203.0.113.2')).status, 401, 'another client behind the same proxy is counted apart');
    assert.equal((await hit(direct, '203.0.113.2')).status, 429, 'an untrusted X-Forwarded-For is not believed');
  } finally {
    await behind.close();
    await direct.close();
  }
});
