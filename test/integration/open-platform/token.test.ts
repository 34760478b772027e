import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, testDatabaseUrl, unique, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, simulatorOf } from '../../support/payments';
import { ManualClock } from '../../../src/platform/clock';
import { TOKENS } from '../../../src/platform/tokens';
import type { Logger } from '../../../src/platform/logging/logger';
import { refreshDueTokens } from '../../../src/modules/open-platform/open-platform.jobs';
import { OpenPlatformRepository } from '../../../src/modules/open-platform/open-platform.repository';
import { ComponentTokens } from '../../../src/modules/open-platform/component-token';
import { componentCalls, givenOpenPlatform, pushTicket } from './support';

/**
 * Two app instances on one database (MariaDB: the run's; SQLite: a shared file), as two nodes of one
 * deployment: node A embeds the simulator (WeChat), node B calls it over HTTP. With Redis, both
 * share one key prefix (so one lock); without, each has its in-process lock and the database decides.
 */
async function twoNodes(redis: boolean, clock?: ManualClock): Promise<{ a: TestApp; b: TestApp; close: () => Promise<void> }> {
  const dir = testDatabaseUrl().startsWith('sqlite') ? mkdtempSync(join(tmpdir(), 'pp-two-nodes-')) : undefined;
  const db = { url: dir ? `sqlite:${join(dir, 'shared.sqlite')}` : testDatabaseUrl(), migrateOnStart: false };
  const shared = { db, redis: redis ? { url: process.env.REDIS_URL, keyPrefix: `test:${unique(12)}:` } : { url: undefined } };
  const a = await startTestApp(shared, { clock });
  const wechat = `${a.baseUrl}/simulator`;
  const b = await startTestApp(
    { ...shared, simulator: { embedded: false }, wxpay: { baseUrl: wechat }, wechatApi: { baseUrl: wechat, mpBaseUrl: wechat } },
    { clock },
  );
  return {
    a,
    b,
    async close() {
      await b.close();
      await a.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `n` authorisation links asked for at once, alternating between the nodes; every one must be 201. */
async function links(nodes: TestApp[], component: string, tenantId: string, n: number): Promise<void> {
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      request(nodes[i % nodes.length].http)
        .post(`/admin/v1/open-platforms/${component}/authorizations`)
        .set(...admin(nodes[i % nodes.length]))
        .send({ tenant_id: tenantId }),
    ),
  );
  for (const r of answers) assert.equal(r.status, 201, JSON.stringify(r.body));
}

for (const redis of [false, true]) {
  test(
    `When twenty requests on two nodes ${redis ? 'sharing Redis' : 'without Redis'} need the token, then WeChat is asked for it once, and once more after it is refused`,
    { skip: redis && !process.env.REDIS_URL ? 'needs REDIS_URL' : false },
    async () => {
      const { a, b, close } = await twoNodes(redis);
      try {
        const sim = simulatorOf(a);
        const { appid } = await givenOpenPlatform(a);
        await pushTicket(sim, appid);
        const tenant = await givenWechatTenant(a, await givenWechatProvider(a, rsaPems()));

        await links([a, b], appid, tenant.id, 20);
        assert.equal(componentCalls(sim, 'api_component_token', appid), 1, 'one fetch for both nodes');
        assert.equal(componentCalls(sim, 'api_create_preauthcode', appid, 0), 20);

        // A token fetched elsewhere makes WeChat refuse ours (40001): compare-and-expire, one fetch, each call retried once.
        sim.component.expireTokens(appid, 'revoked');
        await links([a, b], appid, tenant.id, 20);
        assert.equal(componentCalls(sim, 'api_component_token', appid), 2, 'twenty refusals on two nodes cause one fetch');
        assert.equal(componentCalls(sim, 'api_create_preauthcode', appid, 0), 40);

        // Expired (42001) is handled the same way.
        sim.component.expireTokens(appid, 'expired');
        await links([b, a], appid, tenant.id, 6);
        assert.equal(componentCalls(sim, 'api_component_token', appid), 3);
        const shown = await request(b.http)
          .get(`/admin/v1/open-platforms/${appid}`)
          .set(...admin(b));
        assert.equal(shown.body.access_token.version, 3);
        assert.equal(shown.body.access_token.last_error, null);
      } finally {
        await close();
      }
    },
  );
}

test('When the token nears its expiry, then the refresh job on both nodes fetches it once, and requests never wait for it', async () => {
  const clock = new ManualClock(Date.now());
  const { a, b, close } = await twoNodes(Boolean(process.env.REDIS_URL), clock);
  try {
    const sim = simulatorOf(a);
    const { appid } = await givenOpenPlatform(a);
    await pushTicket(sim, appid);
    const tenant = await givenWechatTenant(a, await givenWechatProvider(a, rsaPems()));
    await links([a], appid, tenant.id, 1);
    assert.equal(componentCalls(sim, 'api_component_token', appid), 1);
    const job = (t: TestApp) =>
      refreshDueTokens(
        t.app.container.resolve(OpenPlatformRepository),
        t.app.container.resolve(ComponentTokens),
        clock,
        t.app.container.resolve<Logger>(TOKENS.Logger),
      );
    assert.deepEqual(await Promise.all([job(a), job(b)]), [0, 0], 'nothing due while the token is young');

    clock.advance((7200 - 10 * 60) * 1000); // 10 minutes left: inside the refresh window
    await pushTicket(sim, appid); // WeChat keeps pushing every 10 minutes; the fetch uses the latest ticket
    const refreshed = await Promise.all([job(a), job(b)]);
    assert.equal(refreshed[0] + refreshed[1], 1, 'one of the two nodes fetched');
    assert.equal(componentCalls(sim, 'api_component_token', appid), 2);
    await links([a, b], appid, tenant.id, 4);
    assert.equal(componentCalls(sim, 'api_component_token', appid), 2, 'requests use the refreshed token');

    // A ticket older than 12 h is refused by WeChat (61005): the failure is recorded, the claim released, the next try succeeds.
    clock.advance(13 * 3600_000);
    const stale = await request(a.http)
      .post(`/admin/v1/open-platforms/${appid}/authorizations`)
      .set(...admin(a))
      .send({ tenant_id: tenant.id });
    assert.equal(stale.status, 502, JSON.stringify(stale.body));
    assert.equal(stale.body.detail.upstream.errcode, 61005);
    const failed = await request(a.http)
      .get(`/admin/v1/open-platforms/${appid}`)
      .set(...admin(a));
    assert.match(failed.body.access_token.last_error, /^61005/);
    assert.equal(failed.body.ticket.stale, true);
    await pushTicket(sim, appid);
    await links([b], appid, tenant.id, 1);
  } finally {
    await close();
  }
});
