import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/**
 * A platform key (`pk_...`) of one service provider: what its own integration (the ISV's centralized
 * mini-program back end) uses on /platform/v1 to act for that provider's tenants. Stored hashed.
 */
export const PlatformKeyEntity = defineEntity({
  name: 'PlatformKey',
  tableName: 'platform_key',
  uniques: [{ name: 'platform_key_hash_unique', properties: ['hash'] }],
  properties: {
    id: p.string().length(40).primary(),
    spMchid: p.string().length(16).index(),
    name: p.string().length(64).nullable(),
    /** The first characters of the key (`pk_AbCdEfGh`), shown in lists to tell keys apart. */
    prefix: p.string().length(16),
    /** SHA-256 (hex) of the key: the key is 256-bit random, so a plain hash cannot be reversed. */
    hash: p.string().length(64),
    createdAt: p.bigint('number'),
    lastUsedAt: p.bigint('number').nullable(),
    revokedAt: p.bigint('number').nullable(),
  },
});

/** One platform key row. */
export type PlatformKeyRow = RowOf<typeof PlatformKeyEntity>;
/** The platform_key table. */
export const PLATFORM_KEY = table(PlatformKeyEntity);

/** The modes a combined order can be paid in (API.md "Combined orders"). */
export type CombineTradeType = 'JSAPI' | 'NATIVE' | 'H5' | 'APP';

/**
 * One 合单 (combined order) of a service provider: the head of several payment_order rows (its
 * sub-orders, each an ordinary order of its tenant, linked by combine_out_trade_no). Its state is
 * derived from theirs.
 */
export const CombinedOrderEntity = defineEntity({
  name: 'CombinedOrder',
  tableName: 'combined_order',
  uniques: [{ name: 'combined_order_sp_out_trade_no_unique', properties: ['spMchid', 'combineOutTradeNo'] }],
  properties: {
    id: p.string().length(40).primary(),
    spMchid: p.string().length(16),
    combineOutTradeNo: p.string().length(32),
    tradeType: p.string().length(8).$type<CombineTradeType>(),
    /** JSAPI: the buyer's openid under the provider's sp_appid; '' otherwise. */
    payerOpenid: p.string().length(128),
    /** H5: the scene_info sent (JSON), so a fresh h5_url is asked with identical params. */
    sceneInfo: p.text().nullable(),
    /** SHA-256 of the canonical request: the "same body" test for a repeated combine_out_trade_no. */
    requestHash: p.string().length(64),
    /** The sub-orders' out_trade_no in the order placed (JSON array): the upstream body is rebuilt from them. */
    subOrders: p.text(),
    prepayId: p.string().length(64).nullable(),
    prepayAt: p.bigint('number').nullable(),
    /** NATIVE: the code_url (the same for the order). */
    codeUrl: p.string().length(255).nullable(),
    timeExpire: p.bigint('number'),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
});

/** One combined order row. */
export type CombinedOrderRow = RowOf<typeof CombinedOrderEntity>;
/** The combined_order table. */
export const COMBINED_ORDER = table(CombinedOrderEntity);
