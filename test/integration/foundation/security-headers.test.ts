import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin } from '../../support/tenancy';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** Asserts the headers every answer carries, pages and API alike. */
function assertProtected(res: request.Response, what: string): void {
  const csp = String(res.headers['content-security-policy'] ?? '');
  assert.match(csp, /default-src 'self'/, `${what}: CSP default-src`);
  assert.match(csp, /script-src 'self'(;|$)/, `${what}: scripts only from the origin (no inline, no eval)`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  assert.match(csp, /object-src 'none'/, `${what}: object-src`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
  assert.equal(res.headers['strict-transport-security'], undefined, `${what}: no HSTS outside production (the demo is http)`);
}

test('When any page or API answer is fetched, then it carries Content-Security-Policy with frame-ancestors, nosniff and X-Frame-Options', async () => {
  const answers: [string, request.Response][] = [
    ['GET /healthz', await request(t.http).get('/healthz')],
    ['GET /openapi.json', await request(t.http).get('/openapi.json')],
    ['GET /console/', await request(t.http).get('/console/')],
    ['GET /console/orders (deep link)', await request(t.http).get('/console/orders')],
    [
      'GET /admin/v1/tenants',
      await request(t.http)
        .get('/admin/v1/tenants')
        .set(...admin(t)),
    ],
    ['401 on /v1/orders', await request(t.http).post('/v1/orders').send({})],
    ['404 on an unknown path', await request(t.http).get('/no/such/path')],
    ['415 on a non-JSON write', await request(t.http).post('/v1/orders').set('Content-Type', 'text/plain').send('x')],
  ];
  for (const [what, res] of answers) assertProtected(res, `${what} (${res.status})`);
});
