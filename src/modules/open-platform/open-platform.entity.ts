import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/*
 * The open platform's tables. Times are epoch milliseconds. Secret columns hold SecretBox output
 * (`v1:<dk>:<b64>`), each sealed for its own purpose (see open-platform.secrets.ts).
 */

/** A 第三方平台 account: its secrets, the latest component_verify_ticket, and the component_access_token every node shares. */
export const OpenPlatformEntity = defineEntity({
  name: 'OpenPlatform',
  tableName: 'open_platform',
  properties: {
    componentAppid: p.string().length(32).primary(),
    name: p.string().length(128),
    componentAppsecret: p.string().length(255),
    token: p.string().length(255),
    encodingAesKey: p.string().length(255),
    /** The EncodingAESKey before the last rotation: pushes still encrypted with it are opened with it. */
    previousEncodingAesKey: p.string().length(255).nullable(),
    /** The latest ticket (sealed), its CreateTime (ms) and when it arrived. */
    ticket: p.string().length(512).nullable(),
    ticketCreatedAt: p.bigint('number').nullable(),
    ticketReceivedAt: p.bigint('number').nullable(),
    /** component_access_token (sealed) and its expiry; the version grows with every fetch (compare-and-expire keys on it). */
    accessToken: p.text().nullable(),
    accessTokenExpiresAt: p.bigint('number').nullable(),
    accessTokenVersion: p.integer().default(0),
    tokenFetchedAt: p.bigint('number').nullable(),
    /** The node fetching a token now, and until when its claim holds (one fetch at a time for the cluster). */
    refreshOwner: p.string().length(40).nullable(),
    refreshUntil: p.bigint('number').nullable(),
    /** The last failed fetch (WeChat's errcode and message, or the transport error) and when. */
    tokenError: p.string().length(255).nullable(),
    tokenErrorAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
});

export type AuthorizationState = 'authorized' | 'unauthorized';

/** A mini-program's authorisation of a component (keyed by both AppIDs), with the authorizer's tokens. */
export const OpenPlatformAuthorizationEntity = defineEntity({
  name: 'OpenPlatformAuthorization',
  tableName: 'open_platform_authorization',
  uniques: [{ name: 'open_platform_authorization_pair_unique', properties: ['componentAppid', 'authorizerAppid'] }],
  properties: {
    id: p.string().length(40).primary(),
    componentAppid: p.string().length(32),
    authorizerAppid: p.string().length(32).index(),
    /** The tenant the authorizer AppID is bound to; null when the authorisation came without a partnerpay link. */
    tenantId: p.string().length(40).nullable().index(),
    state: p.string().length(16).$type<AuthorizationState>(),
    /** JSON array of the granted permission sets (funcscope_category ids). */
    funcInfo: p.text(),
    authorizerAccessToken: p.text().nullable(),
    authorizerAccessTokenExpiresAt: p.bigint('number').nullable(),
    authorizerRefreshToken: p.text().nullable(),
    /** SHA-256 of the last authorization code applied: the same code arriving again (redirect and push) changes nothing. */
    lastAuthCodeHash: p.string().length(64).nullable(),
    /** When the state last changed, or the push that changed it was made (an older push never undoes a newer one). */
    stateChangedAt: p.bigint('number'),
    authorizedAt: p.bigint('number').nullable(),
    unauthorizedAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
});

/** An authorisation link an operator asked for: the pre_auth_code, the tenant it binds to, and how it ended. */
export const OpenPlatformLinkEntity = defineEntity({
  name: 'OpenPlatformLink',
  tableName: 'open_platform_link',
  uniques: [{ name: 'open_platform_link_pre_auth_code_unique', properties: ['preAuthCode'] }],
  properties: {
    id: p.string().length(40).primary(),
    componentAppid: p.string().length(32).index(),
    tenantId: p.string().length(40),
    /** In clear: short-lived, single-use, and shown to the shop owner in the link by design. */
    preAuthCode: p.string().length(255),
    expiresAt: p.bigint('number'),
    authorizerAppid: p.string().length(32).nullable(),
    authCodeHash: p.string().length(64).nullable(),
    completedAt: p.bigint('number').nullable(),
    createdBy: p.string().length(64),
    createdAt: p.bigint('number').index(),
  },
});

/** One open_platform row. */
export type OpenPlatformRow = RowOf<typeof OpenPlatformEntity>;
/** One open_platform_authorization row. */
export type AuthorizationRow = RowOf<typeof OpenPlatformAuthorizationEntity>;
/** One open_platform_link row. */
export type LinkRow = RowOf<typeof OpenPlatformLinkEntity>;

/** The open_platform table. */
export const OPEN_PLATFORM = table(OpenPlatformEntity);
/** The open_platform_authorization table. */
export const AUTHORIZATION = table(OpenPlatformAuthorizationEntity);
/** The open_platform_link table. */
export const LINK = table(OpenPlatformLinkEntity);
