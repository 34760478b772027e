import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { KeyReport } from '../../../src/surfaces/observability/key-report';
import { KeyUsage } from '../../../src/modules/wxpay-gateway/key-usage';
import { Metrics } from '../../../src/platform/metrics/metrics';
import type { CredentialsProvider, ServiceProviderCredentials } from '@partnerpay/wxpay';
import type { CertificateStore } from '../../../src/modules/wxpay-gateway/certificate-store';
import type { NotificationKeyQueries } from '../../../src/modules/notifications/notification-key.queries';

const NOW = Date.UTC(2026, 11, 1, 4, 0, 0);
const DAY = 86_400_000;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

function reportWith(certs: Array<{ serialNo: string; notBefore: Date; notAfter: Date; fetchedAt: Date }>) {
  const sp: ServiceProviderCredentials = {
    spMchid: '1900000100',
    spAppid: 'wx8888888888888888',
    merchantSerialNo: 'M1',
    merchantPrivateKey: privateKey,
    apiV3Key: Buffer.alloc(32),
    verification: { mode: 'certificate' },
  };
  const credentials: CredentialsProvider = { get: async (id) => (id === sp.spMchid ? sp : undefined) };
  const store = { list: async () => certs } as unknown as CertificateStore;
  const notifications = {
    recent: async () => [],
    lastUsed: async () => new Map<string, number>([['OLD', NOW - DAY]]),
    failures: async () => [],
  } as unknown as NotificationKeyQueries;
  return new KeyReport(credentials, store, notifications, new KeyUsage(new Metrics({ defaultMetrics: false }), () => NOW), () => NOW);
}

test('When a platform certificate expires within 30 days, then the report warns and shows its validity', async () => {
  const r = await reportWith([
    { serialNo: 'NEW', notBefore: new Date(NOW - DAY), notAfter: new Date(NOW + 400 * DAY), fetchedAt: new Date(NOW) },
    { serialNo: 'OLD', notBefore: new Date(NOW - 300 * DAY), notAfter: new Date(NOW + 10 * DAY), fetchedAt: new Date(NOW) },
    { serialNo: 'GONE', notBefore: new Date(NOW - 900 * DAY), notAfter: new Date(NOW - DAY), fetchedAt: new Date(NOW - 5 * DAY) },
  ]).report('1900000100');
  const certs = r.certificates as Array<Record<string, unknown>>;
  assert.deepEqual(
    certs.map((c) => [c.serial_no, c.state, c.expires_in_days]),
    [
      ['NEW', 'valid', 400],
      ['OLD', 'valid', 10],
      ['GONE', 'expired', -1],
    ],
  );
  assert.equal(certs[1].last_used_at, '2026-11-30T12:00:00+08:00');
  assert.deepEqual(r.warnings, [
    { code: 'certificate_expiring', serial_no: 'OLD', message: 'platform certificate OLD expires in 10 days (2026-12-11T12:00:00+08:00)' },
  ]);
});

test('When no certificate is usable, then the report says so; an unknown provider is 404', async () => {
  const r = await reportWith([]).report('1900000100');
  assert.deepEqual(
    (r.warnings as Array<{ code: string }>).map((w) => w.code),
    ['no_usable_certificate'],
  );
  await assert.rejects(reportWith([]).report('1900000999'), (e: { code?: string }) => e.code === 'NOT_FOUND');
});
