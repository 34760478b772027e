import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/** The state of a payment as WeChat Pay reports it (spec §5). */
export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'PAYERROR' | 'REFUND' | 'USERPAYING' | 'REVOKED';

/** How the buyer pays (API.md "Payment modes"): each mode has its own partner endpoint. */
export type OrderTradeType = 'JSAPI' | 'NATIVE' | 'H5' | 'APP' | 'MICROPAY';

/**
 * One payment order of one tenant. Times are epoch milliseconds (bigint) so that SQL compares them
 * the same way on MariaDB and SQLite. The table name avoids the SQL keyword ORDER.
 */
export const PaymentOrderEntity = defineEntity({
  name: 'PaymentOrder',
  tableName: 'payment_order',
  properties: {
    id: p.string().length(40).primary(),
    tenantId: p.string().length(40),
    spMchid: p.string().length(16),
    subMchid: p.string().length(16),
    outTradeNo: p.string().length(32),
    appid: p.string().length(32),
    /** The payment mode the order was created with; H5 is what WeChat Pay's queries and bills call MWEB. */
    tradeType: p.string().length(8).$type<OrderTradeType>(),
    /** H5 and MICROPAY: the scene_info sent to WeChat Pay (JSON), so that a fresh h5_url is asked with identical params. */
    sceneInfo: p.text().nullable(),
    /** MICROPAY: when the follow-up (micropay.follower.ts) next asks WeChat Pay about an open charge; null when not followed. */
    followAt: p.bigint('number').nullable(),
    /** 'sub': the tenant's own AppID (sub_appid + sub_openid); 'sp': the ISV's centralized sp_appid (sp_openid). */
    appSide: p.string().length(3).$type<'sub' | 'sp'>(),
    /** '' while the order awaits its buyer (created without payer; the first /mp/v1 pay binds it). */
    payerOpenid: p.string().length(128),
    /** The mini-program checkout secret (ord_<id>_secret_<random>), sealed with SecretBox; null for orders created with a payer. */
    clientSecret: p.string().length(255).nullable(),
    description: p.string().length(127),
    amountTotal: p.integer(),
    currency: p.string().length(8),
    attach: p.string().length(128).nullable(),
    timeExpire: p.bigint('number'),
    /** SHA-256 of the canonical request: the "same body" test for out_trade_no and idempotency reuse. */
    requestHash: p.string().length(64),
    tradeState: p.string().length(16).$type<TradeState>(),
    tradeStateDesc: p.string().length(255).nullable(),
    prepayId: p.string().length(64).nullable(),
    prepayAt: p.bigint('number').nullable(),
    /**
     * The prepay claim of the request that inserted the order (JSAPI/APP with payer): until then it alone asks
     * WeChat Pay for the prepay_id, so a duplicate of it waits instead of calling too. Set by the INSERT, cleared
     * by the UPDATE that saves the prepay_id (or on failure); null when nobody holds it.
     */
    prepayClaimUntil: p.bigint('number').nullable(),
    transactionId: p.string().length(32).nullable(),
    successTime: p.bigint('number').nullable(),
    payerTotal: p.integer().nullable(),
    bankType: p.string().length(32).nullable(),
    refundedTotal: p.integer().default(0),
    /** 1 when placed with settle_info.profit_sharing: the funds stay frozen until split or unfrozen. */
    profitSharing: p.integer().default(0),
    /** The funds ledger (funds.ts): fen promised back by refunds not closed, reserved or settled. */
    fundsRefunds: p.integer().default(0),
    /** The funds ledger: fen split, or being split, to profit-sharing receivers. */
    fundsSplits: p.integer().default(0),
    /** The funds ledger: 1 once profit sharing ended (unfreeze): the unsplit rest is the sub-merchant's. */
    fundsUnfrozen: p.integer().default(0),
    /** A 合单 sub-order: its combined order's number (closed and paid with it; refunded and split alone). */
    combineOutTradeNo: p.string().length(32).nullable(),
    lastSyncedAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
  // out_trade_no is unique per service provider at WeChat Pay (spec §3.1), so it is here too.
  uniques: [{ name: 'payment_order_sp_out_trade_no_unique', properties: ['spMchid', 'outTradeNo'] }],
  indexes: [
    { name: 'payment_order_tenant_created_idx', properties: ['tenantId', 'createdAt'] },
    { name: 'payment_order_state_created_idx', properties: ['tradeState', 'createdAt'] },
    { name: 'payment_order_follow_idx', properties: ['followAt'] },
    // Operators and portal users look an order up by WeChat Pay's transaction_id (from the buyer's receipt).
    { name: 'payment_order_transaction_idx', properties: ['transactionId'] },
    // Reconciliation's missing_upstream and day-boundary scan: one provider's payments paid in a time
    // window, out_trade_no included so the anti-join against the staged bill reads this index alone.
    { name: 'payment_order_sp_success_idx', properties: ['spMchid', 'successTime', 'outTradeNo'] },
  ],
});

/** One payment order row. */
export type PaymentOrderRow = RowOf<typeof PaymentOrderEntity>;
/** The payment_order table. */
export const PAYMENT_ORDER = table(PaymentOrderEntity);
