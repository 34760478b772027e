import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderReconcilerJob } from '../../../src/modules/payments/order.jobs';
import { WxpayApiError } from '@partnerpay/wxpay';
import { loadConfig } from '../../../src/platform/config/load-config';
import type { OrderRepository } from '../../../src/modules/payments/order.repository';
import type { ProviderCredentials } from '../../../src/modules/tenancy';
import type { OrderService } from '../../../src/modules/payments/order.service';
import type { Logger } from '../../../src/platform/logging/logger';

test('When WeChat Pay keeps refusing an order (a simulator that forgot it), then the reconciler backs off and warns once, without a stack', async () => {
  const config = loadConfig({}, { profile: 'test' });
  const order = { id: 'ord_1', spMchid: '1900000100' };
  const synced: string[] = [];
  const repo = {
    claimUnpaidDue: async () => [order],
    markSynced: async (id: string) => void synced.push(id),
  } as unknown as OrderRepository;
  const providers = { require: async () => ({}) } as unknown as ProviderCredentials;
  const orders = {
    sync: async () => {
      throw new WxpayApiError(400, { code: 'MCH_NOT_EXISTS', message: '商户号不存在' }, 'REQ-1', true);
    },
  } as unknown as OrderService;
  const lines: Array<{ level: string; obj: Record<string, unknown> }> = [];
  const logger = {
    warn: (obj: Record<string, unknown>) => lines.push({ level: 'warn', obj }),
    debug: (obj: Record<string, unknown>) => lines.push({ level: 'debug', obj }),
  } as unknown as Logger;
  const job = orderReconcilerJob(repo, orders, providers, config, { now: () => 1_000_000 } as never, logger);
  await job.run();
  await job.run();
  await job.run();
  assert.deepEqual(synced, ['ord_1', 'ord_1', 'ord_1'], 'each failure moves the bookmark: asked again only after reconcileAfterSeconds');
  assert.deepEqual(
    lines.map((l) => l.level),
    ['warn', 'debug', 'debug'],
  );
  assert.equal(lines[0].obj.code, 'MCH_NOT_EXISTS');
  assert.equal(lines[0].obj.err, undefined, 'a WeChat Pay answer is logged by its code, not with a stack');
});
