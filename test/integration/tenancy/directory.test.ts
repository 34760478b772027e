import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, givenProvider, givenTenant, providerBody, rsaPems } from '../../support/tenancy';
import { TOKENS } from '../../../src/platform/tokens';
import type { CredentialsProvider } from '@partnerpay/wxpay';
import type { TenantDirectory } from '../../../src/modules/tenancy/tenant-directory';
import type { Orm } from '../../../src/platform/db/orm';

let t: TestApp;
let keys: ReturnType<typeof rsaPems>;
before(async () => {
  keys = rsaPems();
  t = await startTestApp();
});
after(async () => t.close());

test('When credentials are fetched twice, then keys are parsed once (same KeyObject); a PUT invalidates them', async () => {
  const { spMchid, spAppid } = await givenProvider(t, keys);
  const creds = t.app.container.resolve<CredentialsProvider>(TOKENS.Credentials);
  const first = await creds.get(spMchid);
  assert.ok(first);
  assert.equal(first.spAppid, spAppid);
  assert.equal(first.merchantPrivateKey.asymmetricKeyType, 'rsa');
  assert.equal(first.apiV3Key.toString('utf8'), 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb');
  assert.equal(first.verification.mode, 'public_key');
  const second = await creds.get(spMchid);
  assert.equal(second, first);
  assert.equal(second!.merchantPrivateKey, first.merchantPrivateKey);

  const other = rsaPems();
  await request(t.http)
    .put(`/admin/v1/service-providers/${spMchid}`)
    .set(...admin(t))
    .send(
      providerBody(other, {
        sp_appid: spAppid,
        apiv3_key: 'b'.repeat(32),
        wechatpay_public_key_id: undefined,
        wechatpay_public_key: undefined,
      }),
    );
  const third = await creds.get(spMchid);
  assert.notEqual(third!.merchantPrivateKey, first.merchantPrivateKey);
  assert.equal(third!.apiV3Key.toString(), 'b'.repeat(32));
  assert.deepEqual(third!.verification, { mode: 'certificate' });
  assert.equal(await creds.get('99999999'), undefined);
});

test('When a secret key authenticates, then the directory answers the tenant, records last use once a minute, and refuses other keys', async () => {
  const { spMchid } = await givenProvider(t, keys);
  const tenant = await givenTenant(t, spMchid);
  const dir = t.app.container.resolve<TenantDirectory>(TOKENS.Tenants);
  const view = await dir.authenticate(tenant.secret_key);
  assert.equal(view?.id, tenant.id);
  assert.equal(view?.subMchid, tenant.sub_mchid);
  assert.equal(view?.apps[0].devMode, 'outsourced');
  assert.equal(view?.orderExpireMinutes, t.config.orders.defaultExpireMinutes);
  assert.equal(await dir.authenticate(tenant.secret_key.slice(0, -1) + (tenant.secret_key.endsWith('A') ? 'B' : 'A')), undefined);
  assert.equal(await dir.authenticate('sk_short'), undefined);
  assert.equal(await dir.authenticate(''), undefined);
  const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
  const [row] = await orm.em
    .getConnection()
    .execute<Array<{ last_used_at: number | null }>>('select last_used_at from tenant_secret_key where id = ?', [tenant.secret_key_id]);
  assert.ok(Number(row.last_used_at) > 0);
  assert.equal((await dir.byId(tenant.id))?.name, 'Tengda Toys');
  assert.equal(await dir.byId('ten_nope'), undefined);
});

test('When authenticate runs on the hot path, then a cached lookup reads nothing from the database', async () => {
  const { spMchid } = await givenProvider(t, keys);
  const tenant = await givenTenant(t, spMchid);
  const dir = t.app.container.resolve<TenantDirectory>(TOKENS.Tenants);
  await dir.authenticate(tenant.secret_key);
  // Count statements at the shared connection (the database stays real); the speed is a figure, not a test.
  const connection = t.app.container.resolve<Orm>(TOKENS.Orm).em.getConnection();
  const original = connection.execute.bind(connection);
  const reads: string[] = [];
  connection.execute = ((sql: unknown, ...rest: never[]) => {
    if (/^\s*select/i.test(String(sql))) reads.push(String(sql));
    return original(sql as never, ...rest);
  }) as typeof connection.execute;
  const n = 2000;
  const start = process.hrtime.bigint();
  try {
    for (let i = 0; i < n; i++) assert.equal((await dir.authenticate(tenant.secret_key))?.id, tenant.id);
  } finally {
    connection.execute = original;
  }
  console.log(`# authenticate (cached): ${(Number(process.hrtime.bigint() - start) / 1000 / n).toFixed(1)} µs per call`);
  assert.deepEqual(reads, []);
});
