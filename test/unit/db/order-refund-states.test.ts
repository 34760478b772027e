import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Em, type Orm } from '../../../src/app/schema';
import { Database } from '../../../src/platform/db/database';
import { createLogger } from '../../../src/platform/logging/logger';
import { recordEvent } from '../../../src/modules/events/outbox';
import { PAYMENT_ORDER, type PaymentOrderRow, type TradeState } from '../../../src/modules/payments/order.entity';
import { applyTransaction, closeOrder } from '../../../src/modules/payments/order.state';
import { OrderRepository } from '../../../src/modules/payments/order.repository';
import { REFUND, type RefundRow, type RefundStatus } from '../../../src/modules/payments/refund.entity';
import { FundsLedger } from '../../../src/modules/payments/funds';
import { applyRefundStatus } from '../../../src/modules/payments/refund.state';
import type { PartnerTransaction } from '@partnerpay/wxpay';

// The legal moves, written out here on purpose: removing a move from a TRANSITIONS table (or adding
// one) makes the matrix below disagree with what the code does, and this test fails.
const ORDER_MOVES = ['NOTPAY>SUCCESS', 'NOTPAY>CLOSED', 'NOTPAY>PAYERROR', 'SUCCESS>REFUND', 'REFUND>REFUND'];
const REFUND_MOVES = ['PROCESSING>SUCCESS', 'PROCESSING>CLOSED', 'PROCESSING>ABNORMAL', 'ABNORMAL>SUCCESS', 'ABNORMAL>CLOSED'];
const logger = createLogger('silent');
const NOW = 1_764_000_000_000;

function order(id: string, tradeState: TradeState): PaymentOrderRow {
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
    tradeState,
    tradeStateDesc: null,
    prepayId: null,
    prepayAt: null,
    prepayClaimUntil: null,
    transactionId: null,
    successTime: null,
    payerTotal: null,
    bankType: null,
    refundedTotal: 0,
    profitSharing: 0,
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

async function withDb(fn: (orm: Orm, db: Database) => Promise<void>): Promise<void> {
  const orm = await openDatabase('sqlite::memory:');
  try {
    await fn(orm, new Database(orm));
  } finally {
    await orm.close(true);
  }
}

const events = async (em: Em) => Number(((await em.execute('select count(*) as n from event')) as Array<{ n: unknown }>)[0].n);

test('Orders move exactly as their transition table says, and each applied move records one event', async () => {
  await withDb(async (_orm, db) => {
    const repo = new OrderRepository(db);
    const deps = { recordEvent, logger };
    const states: TradeState[] = ['NOTPAY', 'SUCCESS', 'CLOSED', 'PAYERROR', 'REFUND'];
    for (const from of states)
      for (const to of ['SUCCESS', 'CLOSED', 'PAYERROR', 'REFUND'] as TradeState[]) {
        const id = `ord_${from}_${to}`;
        const o = order(id, from);
        await PAYMENT_ORDER.insert(db.read(), o);
        const before = await events(db.read());
        await db.tx(async (em) => {
          if (to === 'CLOSED') return closeOrder(em, deps, id, NOW);
          if (to === 'REFUND') return repo.addRefunded(em, id, 10, NOW);
          const txn = { sp_mchid: o.spMchid, sub_mchid: o.subMchid, out_trade_no: o.outTradeNo, trade_state: to } as PartnerTransaction;
          return applyTransaction(em, deps, o, txn, NOW);
        });
        const after = (await repo.findById(id))!;
        const moved = to === 'REFUND' ? after.refundedTotal === 10 : after.tradeState === to && from !== to;
        assert.equal(moved, ORDER_MOVES.includes(`${from}>${to}`), `${from} -> ${to}`);
        if (!moved) assert.equal(after.tradeState, from, `${from} -> ${to} left the order alone`);
        const recorded = (await events(db.read())) - before;
        assert.equal(recorded, moved && to !== 'REFUND' && to !== 'PAYERROR' ? 1 : 0, `${from} -> ${to} events`);
      }
  });
});

test('Refunds move exactly as their transition table says; a success adds to the order once', async () => {
  await withDb(async (_orm, db) => {
    const orders = new OrderRepository(db);
    const deps = { recordEvent, logger, orders, funds: new FundsLedger(db) };
    const statuses: RefundStatus[] = ['PROCESSING', 'ABNORMAL', 'SUCCESS', 'CLOSED'];
    for (const from of statuses)
      for (const to of ['SUCCESS', 'CLOSED', 'ABNORMAL'] as RefundStatus[]) {
        const id = `rfd_${from}_${to}`;
        await PAYMENT_ORDER.insert(db.read(), order(`ord_${id}`, 'SUCCESS'));
        const r: RefundRow = {
          id,
          tenantId: 'ten_1',
          orderId: `ord_${id}`,
          spMchid: '1900000100',
          subMchid: '1900000109',
          outTradeNo: `o_ord_${id}`,
          transactionId: null,
          outRefundNo: `r_${id}`,
          refundId: null,
          amountRefund: 10,
          amountTotal: 100,
          reason: null,
          requestHash: 'h',
          status: from,
          submitted: 1,
          userReceivedAccount: null,
          successTime: null,
          lastSyncedAt: null,
          createdAt: NOW,
          updatedAt: NOW,
        };
        await REFUND.insert(db.read(), r);
        const out = await db.tx((em) => applyRefundStatus(em, deps, r, { out_refund_no: r.outRefundNo, status: to }, NOW));
        const legal = REFUND_MOVES.includes(`${from}>${to}`);
        assert.equal(out.result, legal ? 'applied' : from === to ? 'duplicate' : 'conflict', `${from} -> ${to}`);
        const after = (await REFUND.findBy(db.read(), { id }))[0];
        assert.equal(after.status, legal ? to : from);
        const o = (await orders.findById(`ord_${id}`))!;
        assert.equal(o.refundedTotal, legal && to === 'SUCCESS' ? 10 : 0, `${from} -> ${to} refunded_total`);
      }
  });
});
