import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import request from 'supertest';
import { startTestApp } from '../../support/app';
import { rsaPems } from '../../support/tenancy';
import { createLogger } from '../../../src/platform/logging/logger';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';
import { givenWechatProvider, givenWechatTenant, simulatorOf } from '../../support/payments';
import { anAppSecret, anOpenid, givenAppSecret, loginCode, orderAwaitingBuyer, pay } from './support';

test('When buyers pay and fail through /mp/v1 with trace logging, then no log line or row holds an AppSecret, client_secret or session_key', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const t = await startTestApp(
    { log: { level: 'trace' }, checkout: { perAddressPerMinute: 1000, wrongSecretsPerAddressPerMinute: 1000 } },
    { logger: createLogger('trace', sink) },
  );
  try {
    const spSecret = anAppSecret();
    const provider = await givenWechatProvider(t, rsaPems(), 'public_key', { sp_app_secret: spSecret });
    const tenant = await givenWechatTenant(t, provider);
    const appSecret = await givenAppSecret(t, tenant);
    const order = await orderAwaitingBuyer(t, tenant);
    const openid = anOpenid();
    const ok = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, openid) });
    assert.equal(ok.status, 200);
    for (const errcode of [45011, 40226, -1])
      await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, openid, errcode) });
    await pay(t, order.id, { client_secret: `${order.id}_secret_${'Q'.repeat(32)}`, code: loginCode(t, tenant.appid, openid) });
    await request(t.http).get(`/mp/v1/orders/${order.id}`).query({ client_secret: order.client_secret });
    // WeChat's secret is wrong at WeChat (rotated there, not here): 422, and still nothing leaks.
    simulatorOf(t).login.registerApp({ appid: tenant.appid, secret: anAppSecret() });
    const stale = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, tenant.appid, openid) });
    assert.equal(stale.body.code, 'APP_SECRET_MISSING');

    const log = lines.join('');
    const randomPart = order.client_secret.split('_secret_')[1];
    for (const secret of [spSecret, appSecret, randomPart]) assert.ok(!log.includes(secret), 'no secret in any log line');
    assert.doesNotMatch(log, /"session_key":"(?!\[REDACTED\])/);
    assert.doesNotMatch(log, /secret=/, 'no jscode2session URL in the log');

    const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
    const conn = orm.em.fork().getConnection();
    const rows = [
      ...(await conn.execute('select app_secret as v from app_binding where tenant_id = ?', [tenant.id])),
      ...(await conn.execute('select client_secret as v from payment_order where id = ?', [order.id])),
      ...(await conn.execute('select sp_app_secret as v from service_provider where sp_mchid = ?', [provider.spMchid])),
    ] as Array<{ v: string }>;
    assert.equal(rows.length, 3);
    for (const r of rows) assert.match(r.v, /^v1:/, 'sealed by the SecretBox');
    const stored = JSON.stringify(rows);
    for (const secret of [spSecret, appSecret, randomPart]) assert.ok(!stored.includes(secret));
  } finally {
    await t.close();
  }
});
