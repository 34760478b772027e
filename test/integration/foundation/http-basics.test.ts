import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';
import { EVENT_TYPES } from '../../../src/modules/events/outbox';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t.close());

test('When a route does not exist, then 404 NOT_FOUND in the error shape with the request id', async () => {
  const res = await request(t.http).get('/no/such/route');
  assert.equal(res.status, 404);
  assert.equal(res.body.code, 'NOT_FOUND');
  assert.equal(typeof res.body.message, 'string');
  assert.equal(res.body.request_id, res.headers['request-id']);
});

test('When the caller sends a sane Request-Id, then it is echoed; an insane one is replaced', async () => {
  const ok = await request(t.http).get('/healthz').set('Request-Id', 'abc-123');
  assert.equal(ok.headers['request-id'], 'abc-123');
  const bad = await request(t.http).get('/healthz').set('Request-Id', 'x'.repeat(300));
  assert.match(bad.headers['request-id'], /^req_/);
});

test('When the JSON body is malformed, then 400 PARAM_ERROR', async () => {
  const res = await request(t.http).post('/healthz').set('Content-Type', 'application/json').send('{"a":');
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 'PARAM_ERROR');
});

test('When the process is up, then /healthz answers ok and /readyz reports the database and Redis', async () => {
  assert.equal((await request(t.http).get('/healthz')).body.status, 'ok');
  const ready = await request(t.http).get('/readyz');
  assert.equal(ready.status, 200);
  assert.equal(ready.body.checks.database, 'ok');
  assert.equal(ready.body.checks.redis, process.env.REDIS_URL ? 'ok' : 'in-process');
});

test('When /openapi.json is fetched, then it is an OpenAPI 3.1 document naming every operation and its answers', async () => {
  const res = await request(t.http).get('/openapi.json');
  assert.equal(res.status, 200);
  assert.equal(res.body.openapi, '3.1.0');
  assert.equal(res.body.paths['/readyz'].get.operationId, 'getReadyz');
  assert.equal(res.body.paths['/v1/orders'].post.operationId, 'createOrder');
  assert.deepEqual(res.body.paths['/v1/orders'].post.security, [{ tenantSecretKey: [] }]);
  assert.equal(
    res.body.paths['/v1/orders/{out_trade_no}'].get.responses['200'].content['application/json'].schema.$ref,
    '#/components/schemas/OrderAnswer',
  );
  assert.equal(res.body.components.schemas.OrderAnswer.properties.order.$ref, '#/components/schemas/Order');
  assert.equal(res.body.components.schemas.Order.additionalProperties, false);
  assert.ok(res.body.paths['/v1/orders'].post.responses['409'], 'conflicts are declared');
});

test('When /openapi.json is read, then every successful JSON answer is a named schema and every event partnerpay sends is a webhook with its payload', async () => {
  const doc = (await request(t.http).get('/openapi.json')).body as {
    paths: Record<
      string,
      Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>
    >;
    webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: { $ref?: string } }> } } }>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  const unnamed: string[] = [];
  for (const item of Object.values(doc.paths))
    for (const op of Object.values(item))
      for (const [status, answer] of Object.entries(op.responses)) {
        const json = answer.content?.['application/json'];
        if (status.startsWith('2') && json && !json.schema.$ref) unnamed.push(`${op.operationId} ${status}`);
        if (status.startsWith('2') && status !== '204' && !answer.content) unnamed.push(`${op.operationId} ${status} (no content)`);
      }
  assert.deepEqual(unnamed, [], 'answers without a named schema');
  assert.deepEqual(Object.keys(doc.webhooks).sort(), [...EVENT_TYPES].sort(), 'one webhook per event type partnerpay records');
  for (const [type, hook] of Object.entries(doc.webhooks)) {
    const ref = hook.post.requestBody.content['application/json']!.schema.$ref;
    assert.ok(ref, `${type}: a named payload`);
    const payload = doc.components.schemas[ref.split('/').pop()!]!;
    assert.deepEqual(Object.keys(payload.properties ?? {}), ['id', 'type', 'created_at', 'data'], `${type}: the envelope`);
  }
  assert.ok(doc.components.schemas.ProfitSharingOrder, 'ProfitSharingOrder is named');
});

test('When the database becomes unreachable, then /readyz answers 503 SERVICE_UNAVAILABLE', async () => {
  const other = await startTestApp();
  try {
    await other.app.container.resolve<Orm>(TOKENS.Orm).close(true);
    const res = await request(other.http).get('/readyz');
    assert.equal(res.status, 503);
    assert.equal(res.body.code, 'SERVICE_UNAVAILABLE');
    assert.match(res.body.detail.checks.database, /^down/);
  } finally {
    await other.close();
  }
});

test('When a write comes without Content-Type JSON, then 415 "send JSON"; bodiless writes and the multipart media upload pass the gate', async () => {
  const admin = ['Authorization', `Bearer ${t.config.security.adminToken}`] as const;
  const form = await request(t.http)
    .post('/admin/v1/operators')
    .set(...admin)
    .type('form')
    .send('name=Li&role=viewer');
  assert.equal(form.status, 415);
  assert.deepEqual([form.body.code, form.body.message], ['UNSUPPORTED_MEDIA_TYPE', 'send JSON (Content-Type: application/json)']);
  const none = await request(t.http)
    .patch('/admin/v1/tenants/ten_x')
    .set(...admin)
    .set('Content-Type', '')
    .send(Buffer.from('{"name":"x"}'));
  assert.equal(none.status, 415);
  // No body at all is not refused for its type (the route answers for itself).
  assert.notEqual(
    (
      await request(t.http)
        .post('/admin/v1/tenants/ten_x/secret-keys')
        .set(...admin)
    ).status,
    415,
  );
  // multipart/form-data is the media upload's body; it reaches the route (which judges the upload itself).
  const media = await request(t.http)
    .post('/admin/v1/media')
    .set(...admin)
    .attach('file', Buffer.from('not an image'), 'a.jpg');
  assert.notEqual(media.status, 415);
  const json = await request(t.http)
    .post('/admin/v1/operators')
    .set(...admin)
    .send({});
  assert.equal(json.status, 400, 'JSON reaches validation');
});
