import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { admin, givenProvider, rsaPems, uniqueAppid } from '../../support/tenancy';
import { syncTenants, TenantsSyncError, PUBLIC_BASE_URL_PLACEHOLDER } from '../../../src/modules/tenancy/tenants-sync';
import { tenantCreateBody } from '../../../src/modules/tenancy/tenancy.schemas';

let t: TestApp;
let sp: { spMchid: string; spAppid: string };
const dirs: string[] = [];
before(async () => {
  t = await startTestApp();
  sp = await givenProvider(t, rsaPems());
});
after(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await t.close();
});

function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pp-tenants-'));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files))
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  return dir;
}

const tenantFile = (over: Record<string, unknown> = {}) => ({
  sp_mchid: sp.spMchid,
  sub_mchid: uniqueMchid(),
  name: 'Synced Shop',
  apps: [{ appid: uniqueAppid(), type: 'miniprogram', dev_mode: 'outsourced' }],
  webhook_url: 'https://shop.example.com/hook',
  ...over,
});

async function tenantsOf(sub: string) {
  return (
    await request(t.http)
      .get('/admin/v1/tenants')
      .query({ sub_mchid: sub })
      .set(...admin(t))
  ).body.data as Array<{ id: string; name: string; apps: unknown[] }>;
}

test('When tenants:sync runs, then dry-run applies nothing, the first run creates with secrets, a second run is unchanged, an edit updates', async () => {
  const a = tenantFile();
  const b = tenantFile({ apps: [{ appid: sp.spAppid, type: 'miniprogram', dev_mode: 'centralized' }] });
  const dir = folder({ 'a.json': a, 'b.json': b, 'README.md': '# not a tenant' });

  const dry = await syncTenants(t.app.container, dir, { dryRun: true });
  assert.deepEqual(
    dry.results.map((r) => r.action),
    ['created', 'created'],
  );
  assert.ok(dry.results.every((r) => !r.secret_key));
  assert.equal((await tenantsOf(a.sub_mchid)).length, 0, 'dry run wrote nothing');

  const first = await syncTenants(t.app.container, dir);
  assert.deepEqual(
    first.results.map((r) => r.action),
    ['created', 'created'],
  );
  assert.ok(first.results.every((r) => /^sk_/.test(r.secret_key!) && /^whsec_/.test(r.webhook_secret!)));
  const [made] = await tenantsOf(a.sub_mchid);
  assert.equal(made.id, first.results[0].tenant_id);

  const second = await syncTenants(t.app.container, dir);
  assert.deepEqual(
    second.results.map((r) => [r.action, r.secret_key]),
    [
      ['unchanged', undefined],
      ['unchanged', undefined],
    ],
  );

  writeFileSync(
    join(dir, 'a.json'),
    JSON.stringify({ ...a, name: 'Renamed Shop', apps: [...a.apps, { appid: uniqueAppid(), type: 'app', dev_mode: 'third_party' }] }),
  );
  const third = await syncTenants(t.app.container, dir);
  assert.equal(third.results[0].action, 'updated');
  assert.deepEqual(third.results[0].changes.sort(), ['apps', 'name']);
  assert.equal(third.results[1].action, 'unchanged');
  const [updated] = await tenantsOf(a.sub_mchid);
  assert.equal(updated.name, 'Renamed Shop');
  assert.equal(updated.apps.length, 2);
  const audit = await request(t.http)
    .get('/admin/v1/audit-log')
    .query({ target: `tenant:${made.id}` })
    .set(...admin(t));
  assert.deepEqual(
    audit.body.data.map((e: { action: string; actor: string }) => [e.action, e.actor]),
    [
      ['tenant.sync_update', 'cli:tenants-sync'],
      ['tenant.create', 'cli:tenants-sync'],
    ],
  );
});

test('When any file is invalid, then the whole batch is refused, each problem is named by file, and nothing is applied', async () => {
  const good = tenantFile();
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ 'bad.json': tenantFile({ apps: [{ appid: 'wxNOTVALID', type: 'miniprogram', dev_mode: 'outsourced' }] }) }, /apps\.0\.appid/],
    [{ 'bad.json': '{ "sp_mchid": ' }, /not valid JSON/],
    [{ 'bad.json': tenantFile({ sub_mchid: sp.spMchid }) }, /isv_collects_own_account/],
    [{ 'bad.json': tenantFile({ webhook_url: 'ftp://x.example.com' }) }, /webhook_url/],
    [{ 'bad.json': tenantFile({ sub_mchid: good.sub_mchid }) }, /sub_mchid .* is also in/],
    [{ 'bad.json': tenantFile({ sp_mchid: uniqueMchid() }) }, /sp_mchid is not a configured service provider/],
  ];
  for (const [extra, why] of cases) {
    const dir = folder({ 'a-good.json': good, ...extra });
    await assert.rejects(syncTenants(t.app.container, dir), (e: unknown) => {
      assert.ok(e instanceof TenantsSyncError);
      assert.ok(
        e.problems.some((p) => p.file.endsWith('bad.json') && why.test(p.issue)),
        JSON.stringify(e.problems),
      );
      return true;
    });
    assert.equal((await tenantsOf(good.sub_mchid)).length, 0, `nothing applied (${why})`);
  }
  // An update in the same batch as an invalid file is not applied either.
  const dir = folder({ 'a-good.json': good });
  await syncTenants(t.app.container, dir);
  writeFileSync(join(dir, 'a-good.json'), JSON.stringify({ ...good, name: 'Should not stick' }));
  writeFileSync(join(dir, 'z-bad.json'), JSON.stringify(tenantFile({ sub_mchid: sp.spMchid })));
  await assert.rejects(syncTenants(t.app.container, dir), TenantsSyncError);
  assert.equal((await tenantsOf(good.sub_mchid))[0].name, 'Synced Shop');
});

test("When the repository's tenants/ examples are synced (under fresh numbers), then they validate and apply", async () => {
  const src = resolve(__dirname, '../../../../tenants');
  const files = readdirSync(src).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 2);
  const dir = mkdtempSync(join(tmpdir(), 'pp-examples-'));
  dirs.push(dir);
  cpSync(src, dir, { recursive: true });
  const demo = await givenProvider(t, rsaPems());
  for (const f of files) {
    const body = JSON.parse(readFileSync(join(src, f), 'utf8'));
    delete body.$comment;
    // The demo's webhooks name the public base URL by a placeholder, which syncTenants fills in.
    const webhook = body.webhook_url;
    if (typeof body.webhook_url === 'string')
      body.webhook_url = body.webhook_url.replace(PUBLIC_BASE_URL_PLACEHOLDER, t.config.server.publicBaseUrl);
    assert.ok(tenantCreateBody.safeParse(body).success, f);
    body.webhook_url = webhook;
    assert.equal(body.sp_mchid, '1900000100');
    // Fresh numbers so this test never collides with other data in a shared database.
    const apps = body.apps.map((a: { appid: string; dev_mode: string }) => ({
      ...a,
      appid: a.dev_mode === 'centralized' ? demo.spAppid : uniqueAppid(),
    }));
    writeFileSync(join(dir, f), JSON.stringify({ ...body, sp_mchid: demo.spMchid, sub_mchid: uniqueMchid(), apps }));
  }
  const report = await syncTenants(t.app.container, dir);
  assert.equal(report.results.filter((r) => r.action === 'created').length, files.length);
});
