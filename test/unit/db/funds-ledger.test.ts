import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../../src/app/schema';
import { Database } from '../../../src/platform/db/database';
import { PAYMENT_ORDER, type PaymentOrderRow } from '../../../src/modules/payments/order.entity';
import { FundsLedger } from '../../../src/modules/payments/funds';

// The funds ledger is the one place that knows what is left on a payment; its guarded UPDATEs hold the line
// whatever a caller checked before.
const NOW = 1_764_000_000_000;

function paid(id: string, profitSharing: 0 | 1): PaymentOrderRow {
  return {
    id,
    tenantId: 'ten_1',
    spMchid: '1900000100',
    subMchid: '1900000109',
    outTradeNo: `o_${id}`,
    appid: 'wx1',
    appSide: 'sub',
    clientSecret: null,
    payerOpenid: 'op',
    description: 'd',
    amountTotal: 100,
    currency: 'CNY',
    attach: null,
    timeExpire: NOW + 3600_000,
    requestHash: 'h',
    tradeState: 'SUCCESS',
    tradeStateDesc: null,
    prepayId: null,
    prepayAt: null,
    prepayClaimUntil: null,
    transactionId: `4200${id}`,
    successTime: NOW,
    payerTotal: 100,
    bankType: 'OTHERS',
    refundedTotal: 0,
    profitSharing,
    fundsRefunds: 0,
    fundsSplits: 0,
    fundsUnfrozen: 0,
    combineOutTradeNo: null,
    tradeType: 'JSAPI',
    sceneInfo: null,
    followAt: null,
    lastSyncedAt: null,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

test('The funds ledger reserves refunds up to what was paid, and releases them', async () => {
  const orm = await openDatabase('sqlite::memory:');
  try {
    const db = new Database(orm);
    const funds = new FundsLedger(db);
    await PAYMENT_ORDER.insert(db.read(), paid('o1', 0));
    await db.tx(async (em) => {
      assert.equal(await funds.reserve(em, 'o1', 'refund', 60), true);
      assert.equal(await funds.reserve(em, 'o1', 'refund', 41), false, 'more than what is left is refused');
      assert.equal(await funds.reserve(em, 'o1', 'refund', 40), true);
      assert.deepEqual(await funds.lock(em, 'o1'), {
        orderId: 'o1',
        paid: 100,
        refunds: 100,
        refunded: 0,
        splits: 0,
        unfrozen: false,
        profitSharing: false,
      });
      await funds.release(em, 'o1', 'refund', 40);
      assert.equal((await funds.lock(em, 'o1')).refunds, 60);
    });
  } finally {
    await orm.close(true);
  }
});

test('While a profit-sharing payment is frozen, refunds come out of its unsplit funds; splits stop at a full refund and after an unfreeze', async () => {
  const orm = await openDatabase('sqlite::memory:');
  try {
    const db = new Database(orm);
    const funds = new FundsLedger(db);
    await PAYMENT_ORDER.insert(db.read(), paid('o2', 1));
    await db.tx(async (em) => {
      assert.equal(await funds.reserve(em, 'o2', 'split', 30), true);
      assert.equal(await funds.reserve(em, 'o2', 'refund', 71), false, 'refunds and splits together stay within what was paid');
      assert.equal(await funds.reserve(em, 'o2', 'refund', 70), true);
      assert.equal(await funds.reserve(em, 'o2', 'split', 1), false, 'nothing is left to split');
      // WeChat Pay closed a receiver's row: its 10 fen go back to the frozen funds.
      await funds.settleSplit(em, 'o2', 30, 20);
      assert.equal((await funds.lock(em, 'o2')).splits, 20);
      assert.equal(await funds.reserveUnfreeze(em, 'o2'), true);
      assert.equal(await funds.reserveUnfreeze(em, 'o2'), false, 'unfrozen once');
      assert.equal(await funds.reserve(em, 'o2', 'split', 1), false, 'no split after an unfreeze');
      assert.equal(await funds.reserve(em, 'o2', 'refund', 10), true, 'once unfrozen, the unsplit rest is refundable');
      await funds.release(em, 'o2', 'split', 0, { unfreeze: true });
      assert.equal((await funds.lock(em, 'o2')).unfrozen, false, 'a refused unfreeze releases the unfreeze');
    });
  } finally {
    await orm.close(true);
  }
});
