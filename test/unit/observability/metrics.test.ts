import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from '../../../src/platform/metrics/metrics';
import { KeyUsage } from '../../../src/modules/wxpay-gateway/key-usage';
import { endpointTemplate } from '@partnerpay/wxpay';
import { sample } from '../../support/metrics';

test('When two apps live in one process, then each has its own registry and counts alone', async () => {
  const a = new Metrics({ defaultMetrics: true });
  const b = new Metrics({ defaultMetrics: true });
  a.orderCreated('1900000100', 'ten_a');
  a.orderCreated('1900000100', 'ten_a');
  b.orderCreated('1900000100', 'ten_a');
  assert.equal(sample((await a.render()).body, 'partnerpay_orders_created_total', { tenant_id: 'ten_a' }), 2);
  assert.equal(sample((await b.render()).body, 'partnerpay_orders_created_total', { tenant_id: 'ten_a' }), 1);
});

test('When only the tenant is known, then the provider learnt from an earlier count labels it, else unknown', async () => {
  const m = new Metrics({ defaultMetrics: false });
  m.orderPaid('ten_x');
  m.learnTenant('ten_y', '1900000200');
  m.orderPaid('ten_y');
  const text = (await m.render()).body;
  assert.equal(sample(text, 'partnerpay_orders_paid_total', { sp_mchid: 'unknown', tenant_id: 'ten_x' }), 1);
  assert.equal(sample(text, 'partnerpay_orders_paid_total', { sp_mchid: '1900000200', tenant_id: 'ten_y' }), 1);
});

test('When refused messages name random serials, then the key label stays public_key or certificate', async () => {
  const m = new Metrics({ defaultMetrics: false });
  const usage = new KeyUsage(m, () => 1_000);
  for (let i = 0; i < 20; i++) usage.record('1900000100', { ok: false, reason: 'unknown_serial', serial: `RANDOM${i}` });
  usage.record('1900000100', { ok: false, reason: 'unknown_serial', serial: 'PUB_KEY_ID_0000' });
  usage.record('1900000100', { ok: true, serial: 'ABCDEF0123' });
  usage.record('1900000100', { ok: true, serial: 'PUB_KEY_ID_0114' });
  const text = (await m.render()).body;
  assert.equal(sample(text, 'partnerpay_wxpay_verifications_total', { key: 'certificate', result: 'unknown_serial' }), 20);
  assert.equal(sample(text, 'partnerpay_wxpay_verifications_total', { key: 'public_key', result: 'unknown_serial' }), 1);
  assert.equal(sample(text, 'partnerpay_wxpay_verifications_total', { key: 'ABCDEF0123', result: 'ok' }), 1);
  assert.equal(sample(text, 'partnerpay_wxpay_verifications_total', { key: 'public_key', result: 'ok' }), 1);
  assert.ok(!text.includes('RANDOM'));
  assert.equal(usage.recent('1900000100')[0].verifiedBy, 'public_key');
  assert.equal(usage.lastUsed('1900000100', 'ABCDEF0123'), 1_000);
  assert.equal(usage.recent('1900000100').length, 23);
});

test('When WeChat Pay paths carry ids, then the endpoint label is their route template', () => {
  const cases: Array<[string, string]> = [
    ['/v3/pay/partner/transactions/jsapi', '/v3/pay/partner/transactions/jsapi'],
    ['/v3/pay/partner/transactions/out-trade-no/T123abc?sp_mchid=1&sub_mchid=2', '/v3/pay/partner/transactions/out-trade-no/{id}'],
    ['/v3/pay/partner/transactions/out-trade-no/lowercaseonly/close', '/v3/pay/partner/transactions/out-trade-no/{id}/close'],
    ['/v3/pay/partner/transactions/id/4200000000202611260000000001', '/v3/pay/partner/transactions/id/{id}'],
    ['/v3/refund/domestic/refunds', '/v3/refund/domestic/refunds'],
    ['/v3/refund/domestic/refunds/R2026-0001?sub_mchid=1900000109', '/v3/refund/domestic/refunds/{id}'],
    ['/v3/certificates', '/v3/certificates'],
    ['/v3/bill/tradebill?bill_date=2026-11-30', '/v3/bill/tradebill'],
    ['/v3/billdownload/file?token=secret', '/v3/billdownload/file'],
    ['/v3/applyment4sub/applyment/business_code/1900000100_tengda_0001', '/v3/applyment4sub/applyment/business_code/{id}'],
    ['/v3/apply4sub/sub_merchants/1900000109/settlement', '/v3/apply4sub/sub_merchants/{id}/settlement'],
    ['/v3/profitsharing/orders/unfreeze', '/v3/profitsharing/orders/unfreeze'],
    ['/v3/profitsharing/orders/P20261201001?sub_mchid=1', '/v3/profitsharing/orders/{id}'],
  ];
  for (const [path, template] of cases) assert.equal(endpointTemplate(path), template, path);
});
