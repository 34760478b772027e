import { test } from 'node:test';
import { z } from 'zod';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import request from 'supertest';
import { startTestApp, uniqueMchid } from '../../support/app';
import { admin, providerBody, rsaPems, uniqueAppid } from '../../support/tenancy';
import { createLogger } from '../../../src/platform/logging/logger';
import { MODULES } from '../../../src/app/modules';
import { ApiRouter } from '../../../src/platform/http/route';
import { tenantAuth, tenantOf } from '../../../src/modules/tenancy/tenant-auth';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';
import type { TenantDirectory } from '../../../src/modules/tenancy/tenant-directory';
import type { CredentialsProvider } from '@partnerpay/wxpay';

test('When service providers, tenants, keys and operators are made and used, then no response, log line or stored row shows a secret', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const probe = {
    name: 'probe',
    routers: (c: import('tsyringe').DependencyContainer) => [
      new ApiRouter().route(
        {
          method: 'get',
          path: '/v1/whoami',
          summary: 'p',
          tags: ['t'],
          auth: 'tenant',
          responses: { 200: { description: 'ok', schema: z.object({ id: z.string() }) } },
        },
        tenantAuth(c),
        ({ req }) => ({ id: tenantOf(req).id }),
      ),
    ],
  };
  const t = await startTestApp(
    { security: { authFailuresPerMinute: 1000 }, log: { level: 'trace' } },
    { logger: createLogger('trace', sink), modules: [...MODULES, probe] },
  );
  const bodies: string[] = [];
  const seen = (res: request.Response) => {
    bodies.push(JSON.stringify(res.headers), res.text ?? '');
    return res;
  };
  try {
    const keys = rsaPems();
    const spMchid = uniqueMchid();
    const sp = providerBody(keys, { apiv3_key: 'S3cretApiV3Key-0123456789abcdefg' });
    seen(
      await request(t.http)
        .put(`/admin/v1/service-providers/${spMchid}`)
        .set(...admin(t))
        .send(sp),
    );
    seen(
      await request(t.http)
        .put(`/admin/v1/service-providers/${spMchid}`)
        .set(...admin(t))
        .send({ ...sp, sp_appid: 'bad' }),
    ); // 400 with secrets in the body
    seen(
      await request(t.http)
        .put(`/admin/v1/service-providers/${uniqueMchid()}`)
        .set(...admin(t))
        .send({ ...sp, apiv3_key: `${sp.apiv3_key}X` }),
    );
    seen(
      await request(t.http)
        .get(`/admin/v1/service-providers/${spMchid}`)
        .set(...admin(t)),
    );
    seen(
      await request(t.http)
        .get('/admin/v1/service-providers')
        .set(...admin(t)),
    );

    const created = seen(
      await request(t.http)
        .post('/admin/v1/tenants')
        .set(...admin(t))
        .send({
          sp_mchid: spMchid,
          sub_mchid: uniqueMchid(),
          name: 'Leak Check',
          apps: [{ appid: uniqueAppid(), type: 'miniprogram', dev_mode: 'outsourced' }],
          webhook_url: 'https://merchant.example.com/hook',
        }),
    );
    const id = created.body.id as string;
    const secrets = [
      sp.apiv3_key,
      t.config.security.adminToken,
      t.config.security.masterKey,
      created.body.secret_key,
      created.body.webhook_secret,
    ];
    const key2 = seen(
      await request(t.http)
        .post(`/admin/v1/tenants/${id}/secret-keys`)
        .set(...admin(t)),
    );
    const wh2 = seen(
      await request(t.http)
        .post(`/admin/v1/tenants/${id}/webhook-secret/rotate`)
        .set(...admin(t))
        .send({}),
    );
    const op = seen(
      await request(t.http)
        .post('/admin/v1/operators')
        .set(...admin(t))
        .send({ name: 'ops', role: 'admin' }),
    );
    secrets.push(key2.body.secret_key, wh2.body.webhook_secret, op.body.token);
    // Every secret was answered exactly once, by its creating call.
    for (const s of secrets.slice(3)) assert.equal(bodies.filter((b) => b.includes(s)).length, 1);
    const before = bodies.length;

    const opAuth = ['Authorization', `Bearer ${op.body.token}`] as const;
    for (const path of [
      '/admin/v1/tenants',
      `/admin/v1/tenants/${id}`,
      `/admin/v1/tenants/${id}/secret-keys`,
      '/admin/v1/operators',
      '/admin/v1/audit-log?limit=100',
      `/admin/v1/tenants/${id}/compliance`,
      '/admin/v1/service-providers',
    ])
      seen(
        await request(t.http)
          .get(path)
          .set(...opAuth),
      );
    seen(
      await request(t.http)
        .patch(`/admin/v1/tenants/${id}`)
        .set(...opAuth)
        .send({ name: 'Renamed' }),
    );
    seen(await request(t.http).get('/v1/whoami').set('Authorization', `Bearer ${created.body.secret_key}`));
    seen(await request(t.http).get('/admin/v1/tenants').set('Authorization', `Bearer ${created.body.secret_key}`));
    seen(await request(t.http).get('/v1/whoami').set('Authorization', `Bearer ${created.body.secret_key}x`));
    seen(
      await request(t.http)
        .post(`/admin/v1/tenants/${id}/apps`)
        .set(...opAuth)
        .send({ appid: created.body.secret_key, type: 'app', dev_mode: 'outsourced' }),
    );
    await t.app.container.resolve<TenantDirectory>(TOKENS.Tenants).webhookSecrets(id);
    await t.app.container.resolve<CredentialsProvider>(TOKENS.Credentials).get(spMchid);

    const pemBody = keys.privateKey.split('\n')[5]; // a line from the middle of the private key
    const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
    const rows: string[] = [];
    for (const table of [
      'service_provider',
      'tenant',
      'app_binding',
      'tenant_secret_key',
      'webhook_secret',
      'operator',
      'audit_log',
      'data_key',
    ])
      rows.push(JSON.stringify(await orm.em.getConnection().execute(`select * from ${table}`)));

    const afterwards = bodies.slice(before).join('\n');
    const logs = lines.join('');
    assert.ok(logs.length > 1000, 'the logger captured the requests');
    for (const s of [...secrets, pemBody]) {
      assert.ok(!afterwards.includes(s), `a response shows a secret (${s.slice(0, 6)}...)`);
      assert.ok(!logs.includes(s), `the log shows a secret (${s.slice(0, 6)}...)`);
      assert.ok(!rows.join('\n').includes(s), `a stored row shows a secret (${s.slice(0, 6)}...)`);
    }
    for (const s of [sp.apiv3_key, t.config.security.adminToken, pemBody])
      assert.ok(!bodies.join('\n').includes(s), 'never answered, not even once');
  } finally {
    await t.close();
  }
});
