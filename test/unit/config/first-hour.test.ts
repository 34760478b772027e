import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, databaseUrlFromParts } from '../../../src/platform/config/load-config';
import { listenOverrides } from '../../../src/platform/config/listen-overrides';

test('When the demo listens on another PORT, then PUBLIC_BASE_URL and the simulator URLs follow the port listened on', () => {
  const env = { PORT: '4100' };
  const c = loadConfig(env);
  const o = listenOverrides(c, env, 4100);
  assert.deepEqual(o, {
    server: { publicBaseUrl: 'http://127.0.0.1:4100' },
    wxpay: { baseUrl: 'http://127.0.0.1:4100/simulator' },
    wechatApi: { baseUrl: 'http://127.0.0.1:4100/simulator' },
  });
  assert.equal(loadConfig(env, o).server.publicBaseUrl, 'http://127.0.0.1:4100');
  // HOST=0.0.0.0 in a container: the simulator reaches us on loopback.
  const inDocker = { HOST: '0.0.0.0', PORT: '3000' };
  assert.equal(listenOverrides(loadConfig(inDocker), inDocker, 3000).server?.publicBaseUrl, 'http://127.0.0.1:3000');
});

test("When PUBLIC_BASE_URL is the operator's, or the simulator is not embedded, then it is left as configured", () => {
  const env = { PUBLIC_BASE_URL: 'https://abc.ngrok.app' };
  assert.equal(listenOverrides(loadConfig(env), env, 4100).server, undefined);
  const prod = {
    NODE_ENV: 'production',
    DATABASE_URL: 'mysql://pp:pw@db:3306/partnerpay',
    PUBLIC_BASE_URL: 'https://pay.example.com',
    PARTNERPAY_ADMIN_TOKEN: 'x'.repeat(32),
    PARTNERPAY_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  assert.deepEqual(listenOverrides(loadConfig(prod), prod, 4100), {});
});

test('When the database comes as DB_* parts with @:/ in the password, then the URL encodes them and decodes back', () => {
  const password = 'p@ss:w/rd?#%';
  const env = { DB_HOST: 'mysql', DB_USER: 'partnerpay', DB_PASSWORD: password, DB_NAME: 'partnerpay' };
  const url = databaseUrlFromParts(env)!;
  assert.equal(url, `mysql://partnerpay:${encodeURIComponent(password)}@mysql:3306/partnerpay`);
  const parsed = new URL(url);
  assert.deepEqual(
    [decodeURIComponent(parsed.password), parsed.hostname, parsed.port, parsed.pathname],
    [password, 'mysql', '3306', '/partnerpay'],
  );
  assert.equal(loadConfig(env).db.url, url);
  // DATABASE_URL wins; without DB_HOST nothing is composed.
  assert.equal(loadConfig({ ...env, DATABASE_URL: 'sqlite::memory:' }).db.url, 'sqlite::memory:');
  assert.equal(databaseUrlFromParts({ DB_PASSWORD: 'x' }), undefined);
});

test('When LOG_PRETTY, PARTNERPAY_JOBS and REDIS_KEY_PREFIX are set, then the configuration takes them', () => {
  const c = loadConfig({ LOG_PRETTY: '1', PARTNERPAY_JOBS: '0', REDIS_KEY_PREFIX: 'staging:' });
  assert.deepEqual([c.log.pretty, c.jobs.enabled, c.redis.keyPrefix], [true, false, 'staging:']);
});
