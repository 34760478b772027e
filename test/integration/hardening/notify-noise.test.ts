import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { isolatedDatabase } from '../../support/isolated-database';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';
import type { Clock } from '../../../src/platform/clock';
import type { Logger } from '../../../src/platform/logging/logger';
import type { NotificationGate } from '../../../src/modules/notifications/notification-gate';
import { notificationRetentionJob } from '../../../src/modules/notifications/notification-retention';
import { NotificationRepository } from '../../../src/modules/notifications/notification.repository';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant } from '../../support/payments';
import { sample, scrape } from '../../support/metrics';

// The first test counts notification_log rows globally, and files running meanwhile write some: a database of its own.
let db: Awaited<ReturnType<typeof isolatedDatabase>>;
let t: TestApp;
before(async () => {
  db = await isolatedDatabase();
  t = await startTestApp({ db: { url: db.url } });
});
after(async () => {
  await t.close();
  await db.drop();
});

const orm = () => t.app.container.resolve<Orm>(TOKENS.Orm);
const logCount = async (where = '1=1', params: unknown[] = []) =>
  Number(
    (
      (await orm().em.fork().getConnection().execute(`select count(*) as n from notification_log where ${where}`, params)) as Array<{
        n: number;
      }>
    )[0].n,
  );

test('When unauthenticated POSTs hit /notify for tenants that do not exist, then 404 each, no log row, and they are only counted', async () => {
  const before = await logCount();
  const gate = t.app.container.resolve<NotificationGate>(TOKENS.NotificationGate);
  for (let i = 0; i < 60; i++) {
    const res = await request(t.http)
      .post(`/notify/ten_nosuch${i}/transactions`)
      .set('Content-Type', 'application/json')
      .send('{"id":"x"}');
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'FAIL');
  }
  assert.equal(await logCount(), before);
  assert.equal(gate.unknownPaths.pending, 59, 'one warning line for the first, the rest counted until the minute is over');
});

test("When 100 unsigned POSTs hit a real tenant's notify path, then each is 401 and counted, and only a bounded sample is kept", async () => {
  const tenant = await givenWechatTenant(t, await givenWechatProvider(t, rsaPems()));
  const perMinute = t.config.notifications.refusedSamplesPerMinute;
  assert.equal(perMinute, 10, 'the default');
  const big = 'x'.repeat(4000);
  for (let i = 0; i < 100; i++) {
    const res = await request(t.http)
      .post(`/notify/${tenant.id}/transactions`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ id: `EV-${i}`, event_type: 'TRANSACTION.SUCCESS', padding: big }));
    assert.equal(res.status, 401);
    assert.equal(res.body.code, 'FAIL');
  }
  assert.equal(await logCount('tenant_id = ?', [tenant.id]), perMinute, 'one row each for the sample only');
  const rows = (await orm()
    .em.fork()
    .getConnection()
    .execute('select detail from notification_log where tenant_id = ?', [tenant.id])) as Array<{ detail: string }>;
  for (const r of rows) {
    const detail = JSON.parse(r.detail) as { check: string; body_sample: string };
    assert.equal(detail.check, 'signature');
    assert.equal(detail.body_sample.length, 512, 'the body is kept capped');
    assert.match(detail.body_sample, /^\{"id":"EV-\d+"/);
  }
  const refused = sample(await scrape(t), 'partnerpay_notifications_received_total', {
    tenant_id: tenant.id,
    outcome: 'refused',
    check: 'signature',
  });
  assert.equal(refused, 100, 'every refusal is counted');
});

for (const [kind, path] of [
  ['combine', 'combine-transactions'],
  ['complaints', 'complaints'],
] as const)
  test(`When 60 unsigned POSTs hit a provider's /notify/sp/{sp}/${path}, then each is 401 and counted, and only a bounded sample is kept`, async () => {
    const provider = await givenWechatProvider(t, rsaPems());
    const perMinute = t.config.notifications.refusedSamplesPerMinute;
    const where: [string, unknown[]] = ['tenant_id = ? and kind = ?', [`sp:${provider.spMchid}`, kind]];
    for (let i = 0; i < 60; i++) {
      const res = await request(t.http)
        .post(`/notify/sp/${provider.spMchid}/${path}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ id: `EV-${i}`, event_type: 'TRANSACTION.SUCCESS', padding: 'y'.repeat(2000) }));
      assert.equal(res.status, 401);
      assert.equal(res.body.code, 'FAIL');
    }
    assert.equal(await logCount(...where), perMinute, 'one row each for the sample only');
    const rows = (await orm()
      .em.fork()
      .getConnection()
      .execute(`select detail, event_id from notification_log where ${where[0]}`, [...where[1]])) as Array<{
      detail: string;
      event_id: string | null;
    }>;
    for (const r of rows) {
      const detail = JSON.parse(r.detail) as { check: string; body_sample: string };
      assert.equal(detail.check, 'signature');
      assert.equal(detail.body_sample.length, 512, 'the body is kept capped');
      assert.equal(r.event_id, null, 'an unverified claim is not stored as the event id');
    }
    const refused = sample(await scrape(t), 'partnerpay_notifications_received_total', {
      sp_mchid: provider.spMchid,
      kind,
      outcome: 'refused',
      check: 'signature',
    });
    assert.equal(refused, 60, 'every refusal is counted');
  });

test('When the retention job runs, then notification_log rows older than retentionDays are deleted and newer ones kept', async () => {
  const clock = t.app.container.resolve<Clock>(TOKENS.Clock);
  const now = clock.now();
  const insert = (id: string, at: number) =>
    orm()
      .em.fork()
      .getConnection()
      .execute(
        'insert into notification_log (id, tenant_id, kind, verification, outcome, received_at) values (?, ?, ?, ?, ?, ?)',
        [id, 'ten_retention', 'transactions', 'ok', 'applied', at],
        'run',
      );
  await insert('ntf_retention_old1', now - 91 * 86_400_000);
  await insert('ntf_retention_old2', now - 400 * 86_400_000);
  await insert('ntf_retention_new1', now - 89 * 86_400_000);
  await notificationRetentionJob(
    t.app.container.resolve(NotificationRepository),
    90,
    clock,
    t.app.container.resolve<Logger>(TOKENS.Logger),
  ).run();
  assert.equal(await logCount("tenant_id = 'ten_retention'"), 1);
  assert.equal(await logCount("id = 'ntf_retention_new1'"), 1);
});
