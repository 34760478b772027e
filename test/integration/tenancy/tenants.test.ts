import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { admin, givenProvider, givenTenant, rsaPems, uniqueAppid } from '../../support/tenancy';

let t: TestApp;
let sp: { spMchid: string; spAppid: string };
let viewer: [string, string];
before(async () => {
  const keys = rsaPems();
  t = await startTestApp({ security: { authFailuresPerMinute: 1000 } });
  sp = await givenProvider(t, keys);
  viewer = [
    'Authorization',
    `Bearer ${
      (
        await request(t.http)
          .post('/admin/v1/operators')
          .set(...admin(t))
          .send({ name: 'viewer', role: 'viewer' })
      ).body.token
    }`,
  ];
});
after(async () => t.close());

test('When an admin onboards a sub-merchant, then 201 with id, apps, notify_urls and, once, secret_key and webhook_secret', async () => {
  const sub = uniqueMchid();
  const appid = uniqueAppid();
  const res = await request(t.http)
    .post('/admin/v1/tenants')
    .set(...admin(t))
    .send({
      sp_mchid: sp.spMchid,
      sub_mchid: sub,
      name: 'Tengda Toys',
      apps: [{ appid, type: 'miniprogram', dev_mode: 'outsourced' }],
      webhook_url: 'https://merchant.example.com/partnerpay/events',
    });
  assert.equal(res.status, 201);
  assert.match(res.body.id, /^ten_[A-Za-z0-9_-]{22}$/);
  assert.equal(res.body.status, 'active');
  assert.equal(res.body.sub_mchid, sub);
  assert.deepEqual(res.body.apps, [{ appid, type: 'miniprogram', dev_mode: 'outsourced', authorized: true, app_secret_set: false }]);
  assert.deepEqual(res.body.notify_urls, {
    transactions: `${t.config.server.publicBaseUrl}/notify/${res.body.id}/transactions`,
    refunds: `${t.config.server.publicBaseUrl}/notify/${res.body.id}/refunds`,
  });
  assert.equal(res.body.order_expire_minutes, t.config.orders.defaultExpireMinutes);
  assert.match(res.body.secret_key, /^sk_[A-Za-z0-9_-]{43}$/);
  assert.match(res.body.webhook_secret, /^whsec_/);
  assert.match(res.body.created_at, /\+08:00$/);

  const again = await request(t.http)
    .get(`/admin/v1/tenants/${res.body.id}`)
    .set(...viewer);
  assert.equal(again.status, 200);
  assert.equal(again.body.secret_key, undefined);
  assert.equal(again.body.webhook_secret, undefined);
  assert.deepEqual(again.body.apps, res.body.apps);
});

test('When the same sub_mchid is onboarded twice under one provider, then 409 TENANT_EXISTS', async () => {
  const sub = uniqueMchid();
  await givenTenant(t, sp.spMchid, { sub_mchid: sub });
  const res = await request(t.http)
    .post('/admin/v1/tenants')
    .set(...admin(t))
    .send({ sp_mchid: sp.spMchid, sub_mchid: sub, name: 'Again', apps: [] });
  assert.equal(res.status, 409);
  assert.equal(res.body.code, 'TENANT_EXISTS');
});

test('When the tenant body is bad, then 400 PARAM_ERROR names the field', async () => {
  const good = { sp_mchid: sp.spMchid, sub_mchid: uniqueMchid(), name: 'X', apps: [] as unknown[] };
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ sub_mchid: '12ab' }, 'sub_mchid'],
    [{ sp_mchid: '1234567' }, 'sp_mchid'],
    [{ apps: [{ appid: 'wx123', type: 'miniprogram', dev_mode: 'outsourced' }] }, 'apps.0.appid'],
    [{ apps: [{ appid: uniqueAppid(), type: 'watch', dev_mode: 'outsourced' }] }, 'apps.0.type'],
    [{ apps: [{ appid: uniqueAppid(), type: 'app', dev_mode: 'franchise' }] }, 'apps.0.dev_mode'],
    [{ webhook_url: 'not a url' }, 'webhook_url'],
    [{ name: '' }, 'name'],
    [{ sp_mchid: uniqueMchid() }, 'sp_mchid'], // not a configured provider
    [{ apps: [{ appid: uniqueAppid(), type: 'miniprogram', dev_mode: 'centralized' }] }, 'apps.0.appid'], // centralized must be the sp_appid
    [{ apps: [{ appid: sp.spAppid, type: 'miniprogram', dev_mode: 'outsourced' }] }, 'apps.0.dev_mode'], // sp_appid only centralized
  ];
  for (const [over, field] of cases) {
    const res = await request(t.http)
      .post('/admin/v1/tenants')
      .set(...admin(t))
      .send({ ...good, ...over });
    assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, 'PARAM_ERROR');
    assert.ok(
      res.body.detail.fields.some((f: { field: string }) => f.field === field),
      `${field}: ${JSON.stringify(res.body.detail)}`,
    );
  }
});

test('When an AppID already belongs to another tenant, then binding it is 409; the sp_appid may be shared in centralized mode', async () => {
  const a = await givenTenant(t, sp.spMchid);
  const taken = await request(t.http)
    .post(`/admin/v1/tenants`)
    .set(...admin(t))
    .send({
      sp_mchid: sp.spMchid,
      sub_mchid: uniqueMchid(),
      name: 'B',
      apps: [{ appid: a.apps[0].appid, type: 'miniprogram', dev_mode: 'outsourced' }],
    });
  assert.equal(taken.status, 409);
  for (let i = 0; i < 2; i++) {
    const shared = await givenTenant(t, sp.spMchid, { apps: [{ appid: sp.spAppid, type: 'miniprogram', dev_mode: 'centralized' }] });
    assert.deepEqual(shared.apps, [
      { appid: sp.spAppid, type: 'miniprogram', dev_mode: 'centralized', authorized: true, app_secret_set: false },
    ]);
  }
});

test('When tenants are listed, then pages of {data, next_cursor} cover each once, newest first, with filters', async () => {
  const sp2 = await givenProvider(t, rsaPems());
  const made = [];
  for (let i = 0; i < 3; i++) made.push((await givenTenant(t, sp2.spMchid, { name: `List ${i}` })).id);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: request.Response = await request(t.http)
      .get('/admin/v1/tenants')
      .query({ sp_mchid: sp2.spMchid, limit: 2, ...(cursor ? { cursor } : {}) })
      .set(...viewer);
    assert.equal(page.status, 200);
    seen.push(...page.body.data.map((x: { id: string }) => x.id));
    cursor = page.body.next_cursor;
  } while (cursor);
  assert.deepEqual([...seen].sort(), [...made].sort());
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/tenants')
        .query({ limit: 0 })
        .set(...viewer)
    ).status,
    400,
  );
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/tenants')
        .query({ cursor: '!!' })
        .set(...viewer)
    ).status,
    400,
  );
});

test('When a tenant is patched, then name, status and webhook_url change; bad values are 400; unknown tenant 404', async () => {
  const a = await givenTenant(t, sp.spMchid);
  const res = await request(t.http)
    .patch(`/admin/v1/tenants/${a.id}`)
    .set(...admin(t))
    .send({ name: 'Renamed', status: 'suspended', webhook_url: null, order_expire_minutes: 30 });
  assert.equal(res.status, 200);
  assert.equal(res.body.name, 'Renamed');
  assert.equal(res.body.status, 'suspended');
  assert.equal(res.body.webhook_url, null);
  assert.equal(res.body.order_expire_minutes, 30);
  assert.equal(
    (
      await request(t.http)
        .patch(`/admin/v1/tenants/${a.id}`)
        .set(...admin(t))
        .send({ status: 'deleted' })
    ).status,
    400,
  );
  assert.equal(
    (
      await request(t.http)
        .patch(`/admin/v1/tenants/${a.id}`)
        .set(...admin(t))
        .send({})
    ).status,
    400,
  );
  assert.equal(
    (
      await request(t.http)
        .patch(`/admin/v1/tenants/${a.id}`)
        .set(...admin(t))
        .send({ sub_mchid: '12345678' })
    ).status,
    400,
  );
  const missing = await request(t.http)
    .patch('/admin/v1/tenants/ten_doesnotexist000000000')
    .set(...admin(t))
    .send({ name: 'x' });
  assert.equal(missing.status, 404);
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/tenants/ten_doesnotexist000000000')
        .set(...admin(t))
    ).status,
    404,
  );
  assert.equal(
    (
      await request(t.http)
        .patch(`/admin/v1/tenants/${a.id}`)
        .set(...viewer)
        .send({ name: 'x' })
    ).status,
    403,
  );
});

test('When apps are added and removed, then the tenant lists them; unknown appid is 404, duplicate 409, bad appid 400', async () => {
  const a = await givenTenant(t, sp.spMchid);
  const appid = uniqueAppid();
  const added = await request(t.http)
    .post(`/admin/v1/tenants/${a.id}/apps`)
    .set(...admin(t))
    .send({ appid, type: 'official_account', dev_mode: 'third_party' });
  assert.equal(added.status, 201);
  assert.ok(added.body.apps.some((x: { appid: string; dev_mode: string }) => x.appid === appid && x.dev_mode === 'third_party'));
  assert.equal(
    (
      await request(t.http)
        .post(`/admin/v1/tenants/${a.id}/apps`)
        .set(...admin(t))
        .send({ appid, type: 'official_account', dev_mode: 'third_party' })
    ).status,
    409,
  );
  assert.equal(
    (
      await request(t.http)
        .post(`/admin/v1/tenants/${a.id}/apps`)
        .set(...admin(t))
        .send({ appid: 'wx1', type: 'app', dev_mode: 'outsourced' })
    ).status,
    400,
  );
  assert.equal(
    (
      await request(t.http)
        .post(`/admin/v1/tenants/${a.id}/apps`)
        .set(...viewer)
        .send({ appid: uniqueAppid(), type: 'app', dev_mode: 'outsourced' })
    ).status,
    403,
  );
  assert.equal(
    (
      await request(t.http)
        .post('/admin/v1/tenants/ten_doesnotexist000000000/apps')
        .set(...admin(t))
        .send({ appid: uniqueAppid(), type: 'app', dev_mode: 'outsourced' })
    ).status,
    404,
  );
  const removed = await request(t.http)
    .delete(`/admin/v1/tenants/${a.id}/apps/${appid}`)
    .set(...admin(t));
  assert.equal(removed.status, 200);
  assert.ok(!removed.body.apps.some((x: { appid: string }) => x.appid === appid));
  assert.equal(
    (
      await request(t.http)
        .delete(`/admin/v1/tenants/${a.id}/apps/${appid}`)
        .set(...admin(t))
    ).status,
    404,
  );
  assert.equal(
    (
      await request(t.http)
        .delete(`/admin/v1/tenants/${a.id}/apps/${appid}`)
        .set(...viewer)
    ).status,
    403,
  );
  // Once unbound, another tenant may take it.
  await givenTenant(t, sp.spMchid, { apps: [{ appid, type: 'app', dev_mode: 'outsourced' }] });
});

test('When secret keys are created and revoked, then new keys are shown once, lists show prefixes, revoked keys are marked; 404 for unknown', async () => {
  const a = await givenTenant(t, sp.spMchid);
  const made = await request(t.http)
    .post(`/admin/v1/tenants/${a.id}/secret-keys`)
    .set(...admin(t));
  assert.equal(made.status, 201);
  assert.match(made.body.secret_key, /^sk_/);
  assert.equal(made.body.prefix, made.body.secret_key.slice(0, 11));
  const list = await request(t.http)
    .get(`/admin/v1/tenants/${a.id}/secret-keys`)
    .set(...viewer);
  assert.equal(list.status, 200);
  assert.equal(list.body.data.length, 2);
  assert.ok(list.body.data.every((k: Record<string, unknown>) => !('secret_key' in k) && !('hash' in k)));
  assert.equal(
    (
      await request(t.http)
        .delete(`/admin/v1/tenants/${a.id}/secret-keys/${a.secret_key_id}`)
        .set(...viewer)
    ).status,
    403,
  );
  assert.equal(
    (
      await request(t.http)
        .delete(`/admin/v1/tenants/${a.id}/secret-keys/${a.secret_key_id}`)
        .set(...admin(t))
    ).status,
    204,
  );
  assert.equal(
    (
      await request(t.http)
        .delete(`/admin/v1/tenants/${a.id}/secret-keys/${a.secret_key_id}`)
        .set(...admin(t))
    ).status,
    404,
  );
  assert.equal(
    (
      await request(t.http)
        .delete(`/admin/v1/tenants/${a.id}/secret-keys/key_unknown`)
        .set(...admin(t))
    ).status,
    404,
  );
  const after = await request(t.http)
    .get(`/admin/v1/tenants/${a.id}/secret-keys`)
    .set(...viewer);
  assert.ok(after.body.data.find((k: { id: string }) => k.id === a.secret_key_id).revoked_at);
  assert.equal(
    (
      await request(t.http)
        .post('/admin/v1/tenants/ten_doesnotexist000000000/secret-keys')
        .set(...admin(t))
    ).status,
    404,
  );
  assert.equal(
    (
      await request(t.http)
        .post(`/admin/v1/tenants/${a.id}/secret-keys`)
        .set(...viewer)
    ).status,
    403,
  );
  assert.equal((await request(t.http).post(`/admin/v1/tenants/${a.id}/secret-keys`)).status, 401);
});

test('When the webhook secret is rotated, then the new one is shown once and both sign until the previous expires', async () => {
  const a = await givenTenant(t, sp.spMchid);
  const r = await request(t.http)
    .post(`/admin/v1/tenants/${a.id}/webhook-secret/rotate`)
    .set(...admin(t))
    .send({ previous_expires_in_seconds: 3600 });
  assert.equal(r.status, 201);
  assert.match(r.body.webhook_secret, /^whsec_/);
  const { TOKENS } = await import('../../../src/platform/tokens');
  const dir = t.app.container.resolve<import('../../../src/modules/tenancy/tenant-directory').TenantDirectory>(TOKENS.Tenants);
  assert.deepEqual(
    (await dir.webhookSecrets(a.id)).map((s) => s.secret),
    [r.body.webhook_secret, a.webhook_secret],
  );
  const r2 = await request(t.http)
    .post(`/admin/v1/tenants/${a.id}/webhook-secret/rotate`)
    .set(...admin(t))
    .send({ previous_expires_in_seconds: 0 });
  assert.deepEqual(
    (await dir.webhookSecrets(a.id)).map((s) => s.secret),
    [r2.body.webhook_secret],
  );
  assert.equal(
    (
      await request(t.http)
        .post(`/admin/v1/tenants/${a.id}/webhook-secret/rotate`)
        .set(...viewer)
        .send({})
    ).status,
    403,
  );
  assert.equal(
    (
      await request(t.http)
        .post(`/admin/v1/tenants/${a.id}/webhook-secret/rotate`)
        .set(...admin(t))
        .send({ previous_expires_in_seconds: -1 })
    ).status,
    400,
  );
  assert.equal(
    (
      await request(t.http)
        .post('/admin/v1/tenants/ten_doesnotexist000000000/webhook-secret/rotate')
        .set(...admin(t))
        .send({})
    ).status,
    404,
  );
});

test('When writes happen, then the audit log lists them newest first with actor and request id, filterable and paged', async () => {
  const a = await givenTenant(t, sp.spMchid);
  await request(t.http)
    .patch(`/admin/v1/tenants/${a.id}`)
    .set(...admin(t))
    .set('Request-Id', 'req-audit-1')
    .send({ name: 'Audited' });
  const res = await request(t.http)
    .get('/admin/v1/audit-log')
    .query({ target: `tenant:${a.id}` })
    .set(...viewer);
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.body.data.map((e: { action: string }) => e.action),
    ['tenant.update', 'tenant.create'],
  );
  const upd = res.body.data[0];
  assert.equal(upd.actor, 'bootstrap');
  assert.equal(upd.request_id, 'req-audit-1');
  assert.equal(upd.before.name, 'Tengda Toys');
  assert.equal(upd.after.name, 'Audited');
  const p1 = await request(t.http)
    .get('/admin/v1/audit-log')
    .query({ target: `tenant:${a.id}`, limit: 1 })
    .set(...viewer);
  assert.equal(p1.body.data.length, 1);
  const p2 = await request(t.http)
    .get('/admin/v1/audit-log')
    .query({ target: `tenant:${a.id}`, limit: 1, cursor: p1.body.next_cursor })
    .set(...viewer);
  assert.equal(p2.body.data[0].action, 'tenant.create');
  assert.equal(p2.body.next_cursor, null);
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/audit-log')
        .query({ action: 'tenant.update', since: '2000-01-01T00:00:00+08:00' })
        .set(...viewer)
    ).status,
    200,
  );
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/audit-log')
        .query({ since: 'yesterday' })
        .set(...viewer)
    ).status,
    400,
  );
  assert.equal((await request(t.http).get('/admin/v1/audit-log')).status, 401);
});

test('When a tenant route is called without a token, then 401', async () => {
  assert.equal((await request(t.http).post('/admin/v1/tenants').send({})).status, 401);
  assert.equal((await request(t.http).get('/admin/v1/tenants')).status, 401);
  assert.equal((await request(t.http).get('/admin/v1/tenants/ten_doesnotexist000000000')).status, 401);
  assert.equal(
    (
      await request(t.http)
        .post('/admin/v1/tenants')
        .set(...viewer)
        .send({})
    ).status,
    403,
  );
});
