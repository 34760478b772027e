import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { deleteRedisPrefix, startTestApp, testDatabaseUrl } from '../../support/app';
import { loadConfig } from '../../../src/platform/config/load-config';
import { buildContainer } from '../../../src/app/container';
import { buildApp } from '../../../src/app/app';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';

test('When the database is closed, then /readyz answers 503 naming it while /healthz stays 200', async () => {
  const t = await startTestApp();
  try {
    const ready = await request(t.http).get('/readyz');
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.equal(ready.body.checks.lifecycle, 'ready');
    assert.equal(ready.body.checks.database, 'ok');
    await t.app.container.resolve<Orm>(TOKENS.Orm).close(true);
    const down = await request(t.http).get('/readyz');
    assert.equal(down.status, 503);
    assert.equal(down.body.code, 'SERVICE_UNAVAILABLE');
    assert.match(down.body.detail.checks.database, /^down/);
    assert.equal((await request(t.http).get('/healthz')).status, 200);
  } finally {
    await t.close().catch(() => undefined);
  }
});

test('When the app is starting or draining, then /readyz answers 503 with Retry-After', async () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const config = loadConfig(
    {},
    { profile: 'test', db: { url: testDatabaseUrl(), migrateOnStart: false }, redis: { url: process.env.REDIS_URL, keyPrefix } },
  );
  const app = await buildContainer(config);
  const http = buildApp(app);
  try {
    const starting = await request(http).get('/readyz');
    assert.equal(starting.status, 503);
    assert.equal(starting.headers['retry-after'], '5');
    assert.equal(starting.body.detail.checks.lifecycle, 'starting');
    await app.start();
    assert.equal((await request(http).get('/readyz')).status, 200);
    app.lifecycle.drain();
    const draining = await request(http).get('/readyz');
    assert.equal(draining.status, 503);
    assert.equal(draining.body.detail.checks.lifecycle, 'draining');
    assert.equal((await request(http).get('/healthz')).status, 200, 'still alive while draining');
  } finally {
    await app.close();
    if (process.env.REDIS_URL) await deleteRedisPrefix(process.env.REDIS_URL, keyPrefix);
  }
});
