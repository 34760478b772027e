import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { run } from '../../platform/db/sql';
import { OPEN_PLATFORM as T, type OpenPlatformRow } from './open-platform.entity';

/**
 * The open_platform table's only SQL: the account, its ticket, and the shared component token with
 * its fetch claim. Every write that other nodes race for is one guarded UPDATE answering whether it
 * took effect; nothing here holds a transaction across a network call.
 */
@injectable()
export class OpenPlatformRepository {
  constructor(@inject(TOKENS.Db) readonly db: Database) {}

  /** The account by component AppID. */
  find(componentAppid: string, em: Em = this.db.read()): Promise<OpenPlatformRow | undefined> {
    return T.findBy(em, { componentAppid }).then((r) => r[0]);
  }

  /** Every account, by AppID (an ISV has one or a few). */
  all(): Promise<OpenPlatformRow[]> {
    return T.select(this.db.read(), '', [], `order by ${T.col('componentAppid')}`);
  }

  /** Writes a new account in the caller's transaction. */
  insert(em: Em, row: OpenPlatformRow): Promise<void> {
    return T.insert(em, row);
  }

  /** Replaces the name and secrets of an account in the caller's transaction (ticket and token stay). */
  async replaceSecrets(
    em: Em,
    row: Pick<
      OpenPlatformRow,
      'componentAppid' | 'name' | 'componentAppsecret' | 'token' | 'encodingAesKey' | 'previousEncodingAesKey' | 'updatedAt'
    >,
  ): Promise<void> {
    const { componentAppid, ...rest } = row;
    await T.update(em, rest, { componentAppid });
  }

  /** Forgets the token (after the AppSecret changed, it may belong to the old one). */
  async dropToken(em: Em, componentAppid: string): Promise<void> {
    await T.update(em, { accessToken: null, accessTokenExpiresAt: null }, { componentAppid });
  }

  /**
   * Stores a ticket unless a newer or equal one is stored already (pushes may arrive out of order, or
   * twice); answers whether it was stored.
   */
  async storeTicket(componentAppid: string, sealed: string, createdAt: number, receivedAt: number): Promise<boolean> {
    const sql =
      `update ${T.name} set ${T.col('ticket')} = ?, ${T.col('ticketCreatedAt')} = ?, ${T.col('ticketReceivedAt')} = ? ` +
      `where ${T.col('componentAppid')} = ? and (${T.col('ticketCreatedAt')} is null or ${T.col('ticketCreatedAt')} < ?)`;
    return (await run(this.db.read(), sql, [sealed, createdAt, receivedAt, componentAppid, createdAt])) === 1;
  }

  /** Claims the right to fetch the token until `until`, unless another node holds an unexpired claim. */
  async claimRefresh(componentAppid: string, owner: string, now: number, until: number): Promise<boolean> {
    const sql =
      `update ${T.name} set ${T.col('refreshOwner')} = ?, ${T.col('refreshUntil')} = ? ` +
      `where ${T.col('componentAppid')} = ? and (${T.col('refreshUntil')} is null or ${T.col('refreshUntil')} < ?)`;
    return (await run(this.db.read(), sql, [owner, until, componentAppid, now])) === 1;
  }

  /** Stores a fetched token and ends `owner`'s claim; the version grows by one. False when the claim was lost meanwhile. */
  async storeToken(componentAppid: string, owner: string, sealed: string, expiresAt: number, fetchedAt: number): Promise<boolean> {
    const sql =
      `update ${T.name} set ${T.col('accessToken')} = ?, ${T.col('accessTokenExpiresAt')} = ?, ` +
      `${T.col('accessTokenVersion')} = ${T.col('accessTokenVersion')} + 1, ${T.col('tokenFetchedAt')} = ?, ` +
      `${T.col('refreshOwner')} = null, ${T.col('refreshUntil')} = null, ${T.col('tokenError')} = null, ${T.col('tokenErrorAt')} = null ` +
      `where ${T.col('componentAppid')} = ? and ${T.col('refreshOwner')} = ?`;
    return (await run(this.db.read(), sql, [sealed, expiresAt, fetchedAt, componentAppid, owner])) === 1;
  }

  /** Ends `owner`'s claim without a fetch (another node's token turned up meanwhile). */
  async endClaim(componentAppid: string, owner: string): Promise<void> {
    await T.update(this.db.read(), { refreshOwner: null, refreshUntil: null }, { componentAppid, refreshOwner: owner });
  }

  /** Ends `owner`'s claim after a failed fetch, recording why. */
  async releaseRefresh(componentAppid: string, owner: string, error: string, at: number): Promise<void> {
    const sql =
      `update ${T.name} set ${T.col('refreshOwner')} = null, ${T.col('refreshUntil')} = null, ` +
      `${T.col('tokenError')} = ?, ${T.col('tokenErrorAt')} = ? where ${T.col('componentAppid')} = ? and ${T.col('refreshOwner')} = ?`;
    await run(this.db.read(), sql, [error.slice(0, 255), at, componentAppid, owner]);
  }

  /**
   * Compare-and-expire: marks the token expired only if it is still version `version` (the one that
   * WeChat refused). Twenty callers refused with the same token expire it once, and a newer token
   * fetched meanwhile is left alone.
   */
  async expireToken(componentAppid: string, version: number): Promise<boolean> {
    return (await T.update(this.db.read(), { accessTokenExpiresAt: 0 }, { componentAppid, accessTokenVersion: version })) === 1;
  }
}
