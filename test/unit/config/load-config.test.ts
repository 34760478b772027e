import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../../src/platform/config/load-config';

const productionEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: 'mysql://pp:pw@db:3306/partnerpay',
  PUBLIC_BASE_URL: 'https://pay.example.com',
  PARTNERPAY_ADMIN_TOKEN: 'x'.repeat(32),
  PARTNERPAY_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
};

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e.problems;
  }
  assert.fail('expected the configuration to be refused');
}

test('When nothing is configured, then the demo profile loads with SQLite, the embedded simulator and private webhooks allowed', () => {
  const c = loadConfig({});
  assert.equal(c.profile, 'default');
  assert.match(c.db.url, /^sqlite:/);
  assert.equal(c.simulator.embedded, true);
  assert.equal(c.security.allowPrivateWebhooks, true);
  assert.ok(Object.isFrozen(c.server));
});

test('When production has all its secrets, then it loads and targets the real WeChat Pay', () => {
  const c = loadConfig(productionEnv);
  assert.equal(c.profile, 'production');
  assert.equal(c.wxpay.baseUrl, 'https://api.mch.weixin.qq.com');
  assert.equal(c.simulator.embedded, false);
  assert.equal(c.security.allowPrivateWebhooks, false);
});

test('When production lacks its secrets, then every missing key is listed with its variable', () => {
  const p = problems(() => loadConfig({ NODE_ENV: 'production' }));
  const text = p.join('\n');
  assert.match(text, /security\.adminToken \(PARTNERPAY_ADMIN_TOKEN\)/);
  assert.match(text, /security\.masterKey \(PARTNERPAY_MASTER_KEY\)/);
  assert.match(text, /server\.publicBaseUrl \(PUBLIC_BASE_URL\)/);
  assert.match(text, /db\.url \(DATABASE_URL\)/);
});

test('When production has an http PUBLIC_BASE_URL, then it refuses to start', () => {
  const p = problems(() => loadConfig({ ...productionEnv, PUBLIC_BASE_URL: 'http://pay.example.com' }));
  assert.deepEqual(p.length, 1);
  assert.match(p[0], /server\.publicBaseUrl.*https/);
});

test('When a value is bad, then the message names the key', () => {
  const p = problems(() => loadConfig({ PORT: 'abc', PARTNERPAY_MASTER_KEY: 'c2hvcnQ=', REDIS_URL: 'localhost:6379' }));
  const text = p.join('\n');
  assert.match(text, /server\.port \(PORT\)/);
  assert.match(text, /security\.masterKey \(PARTNERPAY_MASTER_KEY\): must be base64 of exactly 32 bytes/);
  assert.match(text, /redis\.url \(REDIS_URL\)/);
});

test('When production allows private webhooks, then it refuses', () => {
  const p = problems(() => loadConfig({ ...productionEnv, PARTNERPAY_ALLOW_PRIVATE_WEBHOOKS: '1' }));
  assert.match(p.join('\n'), /security\.allowPrivateWebhooks/);
});

test('When production is given the published demo admin token or master key, then it refuses to start', () => {
  const token = problems(() => loadConfig({ ...productionEnv, PARTNERPAY_ADMIN_TOKEN: 'demo-admin-token-change-me-0000' }));
  assert.match(token.join('\n'), /security\.adminToken \(PARTNERPAY_ADMIN_TOKEN\): is the published demo token/);
  const key = problems(() => loadConfig({ ...productionEnv, PARTNERPAY_MASTER_KEY: 'ZGVtby1tYXN0ZXIta2V5LWRlbW8tb25seS0zMmJ5dGU=' }));
  assert.match(key.join('\n'), /security\.masterKey \(PARTNERPAY_MASTER_KEY\): is the published demo key/);
});

test('When the demo profile loads, then it listens on 127.0.0.1 unless HOST says otherwise; PARTNERPAY_TRUST_PROXY is parsed', () => {
  assert.equal(loadConfig({}).server.host, '127.0.0.1');
  assert.equal(loadConfig({ HOST: '0.0.0.0' }).server.host, '0.0.0.0');
  assert.equal(loadConfig({ PARTNERPAY_TRUST_PROXY: '1' }).server.trustProxy, 1);
  assert.equal(loadConfig({ PARTNERPAY_TRUST_PROXY: 'true' }).server.trustProxy, true);
  assert.equal(loadConfig({ PARTNERPAY_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).server.trustProxy, 'loopback, 10.0.0.0/8');
  assert.equal(loadConfig({}).server.trustProxy, false);
});
