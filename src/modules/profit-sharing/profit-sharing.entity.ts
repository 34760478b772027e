import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/** A split row's outcome at WeChat Pay (addendum §2.10). */
export type ReceiverResult = 'PENDING' | 'SUCCESS' | 'CLOSED';

/** One receiver line of a split, as WeChat Pay reports it (the 解冻给分账方 row included, `unfreeze: true`). */
export interface SplitReceiver {
  type: string;
  account: string;
  amount: number;
  description: string;
  result: ReceiverResult;
  fail_reason: string | null;
  detail_id: string | null;
  finish_time: string | null;
  /** True for the row WeChat Pay adds for the paying sub-merchant itself (解冻给分账方). */
  unfreeze?: boolean;
}

/**
 * Local states of a split or unfreeze: RESERVED (written, amount counted, not yet accepted by WeChat
 * Pay), PROCESSING (accepted), FINISHED (final; each receiver's `result` says whether it succeeded).
 */
export type SplitState = 'RESERVED' | 'PROCESSING' | 'FINISHED';

/** A receiver an operator approved and registered at WeChat Pay for one tenant (the name is never stored, only a mask). */
export const ReceiverEntity = defineEntity({
  name: 'ProfitSharingReceiver',
  tableName: 'ps_receiver',
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40),
    type: p.string().length(24),
    account: p.string().length(64),
    relationType: p.string().length(24),
    customRelation: p.string().length(16).nullable(),
    nameMask: p.string().length(64).nullable(),
    createdAt: p.bigint('number'),
  },
  uniques: [{ name: 'ps_receiver_tenant_account_unique', properties: ['tenantId', 'type', 'account'] }],
});
export type ReceiverRow = RowOf<typeof ReceiverEntity>;
export const RECEIVER = table(ReceiverEntity);

/** A split (kind `split`) or an unfreeze (kind `unfreeze`) of one profit-sharing payment. */
export const SplitEntity = defineEntity({
  name: 'ProfitSharingOrder',
  tableName: 'ps_order',
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40),
    orderId: p.string().length(40),
    spMchid: p.string().length(16),
    subMchid: p.string().length(16),
    outTradeNo: p.string().length(32),
    transactionId: p.string().length(32),
    outOrderNo: p.string().length(64),
    kind: p.string().length(8).$type<'split' | 'unfreeze'>(),
    /** WeChat Pay's order_id, once accepted. */
    wxOrderId: p.string().length(64).nullable(),
    state: p.string().length(16).$type<SplitState>(),
    /** Fen counted against the payment's cap: every receiver row not CLOSED (the 解冻给分账方 row excluded). */
    amount: p.integer(),
    // TEXT rather than JSON: MariaDB's JSON is a LONGTEXT alias whose CHECK constraint the schema diff cannot round-trip.
    receivers: p.json<SplitReceiver[]>().columnType('text'),
    unfreezeUnsplit: p.boolean(),
    description: p.string().length(80).nullable(),
    requestHash: p.string().length(64),
    /** The follower's schedule: next query, attempts so far, and the claim of the node querying it. */
    nextPollAt: p.bigint('number'),
    attempts: p.integer(),
    leaseUntil: p.bigint('number'),
    finishedAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
  // out_order_no is unique in the service provider's system (addendum §2.4).
  uniques: [{ name: 'ps_order_sp_out_order_no_unique', properties: ['spMchid', 'outOrderNo'] }],
  indexes: [
    { name: 'ps_order_order_idx', properties: ['orderId'] },
    { name: 'ps_order_state_poll_idx', properties: ['state', 'nextPollAt'] },
    { name: 'ps_order_tenant_created_idx', properties: ['tenantId', 'createdAt'] },
  ],
});
export type SplitRow = RowOf<typeof SplitEntity>;
export const SPLIT = table(SplitEntity);

/** Local states of a return (回退): RESERVED (not yet accepted), PROCESSING, SUCCESS, FAILED. */
export type ReturnState = 'RESERVED' | 'PROCESSING' | 'SUCCESS' | 'FAILED';

/** A return of (part of) what one merchant receiver got from a split. */
export const ReturnEntity = defineEntity({
  name: 'ProfitSharingReturn',
  tableName: 'ps_return',
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40),
    splitId: p.string().length(40),
    spMchid: p.string().length(16),
    subMchid: p.string().length(16),
    outOrderNo: p.string().length(64),
    outReturnNo: p.string().length(64),
    returnMchid: p.string().length(32),
    amount: p.integer(),
    description: p.string().length(80),
    requestHash: p.string().length(64),
    state: p.string().length(16).$type<ReturnState>(),
    returnId: p.string().length(64).nullable(),
    failReason: p.string().length(32).nullable(),
    nextPollAt: p.bigint('number'),
    attempts: p.integer(),
    leaseUntil: p.bigint('number'),
    finishedAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
  uniques: [{ name: 'ps_return_sp_out_return_no_unique', properties: ['spMchid', 'outReturnNo'] }],
  indexes: [
    { name: 'ps_return_split_idx', properties: ['splitId'] },
    { name: 'ps_return_state_poll_idx', properties: ['state', 'nextPollAt'] },
  ],
});
export type ReturnRow = RowOf<typeof ReturnEntity>;
export const RETURN = table(ReturnEntity);
