import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { LockService } from '../../platform/kv/kv';
import type { SecretBox } from '../../platform/secrets/secret-box';
import type { Metrics } from '../../platform/metrics/metrics';
import { AppError } from '../../platform/errors/errors';
import { newId } from '../../platform/ids';
import type { OpenPlatformRow } from './open-platform.entity';
import type { OpenPlatformRepository } from './open-platform.repository';
import { ComponentErrcodeError, TOKEN_EXPIRED_CODES, type ComponentApi } from './component-api';
import { accountPurpose } from './open-platform.secrets';

/** A token is not handed out in its last 200 s (WxJava keeps tokens for expires_in − 200 s). */
export const TOKEN_SAFETY_MS = 200_000;
/** The refresh job fetches a new token once less than this is left (WeChat suggests refreshing at 1 h 50 min of 2 h). */
export const REFRESH_AHEAD_MS = 15 * 60_000;
/** One node's claim on the fetch: longer than a WeChat call may take, short enough that a crashed node's claim frees soon. */
const CLAIM_MS = 30_000;
/** How long a caller waits for another node's fetch before answering 503 (real time). */
const WAIT_MS = 12_000;
const POLL_MS = 150;

/** A component_access_token in clear, with the version it was stored under. */
export interface ComponentToken {
  token: string;
  version: number;
  expiresAt: number;
}

/**
 * Keeps every node's component_access_token fresh with one WeChat fetch at a time for the cluster.
 * Check, lock, check again: a node-local or Redis lock (TOKENS.Locks) queues callers of one process
 * or, with Redis, of every process; the database decides in any case, through a guarded claim on the
 * account row (`refresh_until`), so two processes without Redis still fetch once and the others read
 * what it stored. No transaction or connection is held during the call to WeChat. A token WeChat
 * calls expired is expired by compare-and-expire on its version, so twenty concurrent refusals cause
 * one fetch; the caller then retries once.
 */
export class ComponentTokens {
  private readonly cache = new Map<string, ComponentToken>();
  private readonly owner = newId('node', 12);

  constructor(
    private readonly repo: OpenPlatformRepository,
    private readonly api: ComponentApi,
    private readonly box: SecretBox,
    private readonly locks: LockService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {}

  /** The current token: from memory, else the database, else one fetch for the cluster. Never a fetch per request. */
  async current(componentAppid: string): Promise<ComponentToken> {
    const hit = this.cache.get(componentAppid);
    if (hit && this.usable(hit.expiresAt)) return hit;
    return this.ensure(componentAppid, (row) => this.usable(row.accessTokenExpiresAt));
  }

  /** Runs `call` with the token; on 40001/40014/42001 expires it (compare-and-expire), gets a newer one, runs `call` once more. */
  async withToken<T>(componentAppid: string, call: (token: string) => Promise<T>): Promise<T> {
    const first = await this.current(componentAppid);
    try {
      return await call(first.token);
    } catch (err) {
      if (!(err instanceof ComponentErrcodeError && TOKEN_EXPIRED_CODES.has(err.errcode))) throw err;
      this.logger.info({ component_appid: componentAppid, errcode: err.errcode }, 'component_access_token refused; fetching a new one');
      await this.expire(componentAppid, first.version);
      return call((await this.current(componentAppid)).token);
    }
  }

  /** Compare-and-expire: the stored token is expired only if it is still `version`. */
  async expire(componentAppid: string, version: number): Promise<void> {
    if ((this.cache.get(componentAppid)?.version ?? Infinity) <= version) this.cache.delete(componentAppid);
    await this.repo.expireToken(componentAppid, version);
  }

  /** The refresh job: a new token when the stored one has less than REFRESH_AHEAD_MS left. Answers whether one was fetched. */
  async refreshAhead(componentAppid: string): Promise<boolean> {
    let fetched = false;
    await this.ensure(
      componentAppid,
      (row) => row.accessTokenExpiresAt != null && row.accessTokenExpiresAt - this.clock.now() > REFRESH_AHEAD_MS,
      () => (fetched = true),
    );
    return fetched;
  }

  /** Forgets this node's copy (the account's secrets changed). */
  forget(componentAppid: string): void {
    this.cache.delete(componentAppid);
  }

  private usable(expiresAt: number | null | undefined): boolean {
    return expiresAt != null && expiresAt - TOKEN_SAFETY_MS > this.clock.now();
  }

  private ensure(componentAppid: string, good: (row: OpenPlatformRow) => boolean, onFetch?: () => void): Promise<ComponentToken> {
    return this.locks.withLock(
      `open-platform:token:${componentAppid}`,
      async () => {
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
          const row = await this.account(componentAppid);
          if (row.accessToken && good(row)) return this.remember(row);
          const now = this.clock.now();
          if (await this.repo.claimRefresh(componentAppid, this.owner, now, now + CLAIM_MS)) {
            // Check again under the claim: another node may have stored a token between the read and the claim.
            const claimed = await this.account(componentAppid);
            if (claimed.accessToken && good(claimed)) {
              await this.repo.endClaim(componentAppid, this.owner);
              return this.remember(claimed);
            }
            onFetch?.();
            return this.fetch(claimed);
          }
          if (Date.now() >= deadline)
            throw AppError.unavailable(`another node is fetching the component_access_token of ${componentAppid}; retry shortly`);
          await sleep(POLL_MS);
        }
      },
      { ttlMs: CLAIM_MS, waitMs: WAIT_MS + 5_000 },
    );
  }

  private async account(componentAppid: string): Promise<OpenPlatformRow> {
    const row = await this.repo.find(componentAppid);
    if (!row) throw AppError.notFound(`open platform ${componentAppid}`);
    return row;
  }

  private async remember(row: OpenPlatformRow): Promise<ComponentToken> {
    const token = await this.box.open(row.accessToken!, accountPurpose(row.componentAppid, 'access_token'));
    const t = { token, version: row.accessTokenVersion, expiresAt: row.accessTokenExpiresAt! };
    this.cache.set(row.componentAppid, t);
    return t;
  }

  /** The one fetch, under this node's claim: stores the token (version + 1) or records why it failed. */
  private async fetch(row: OpenPlatformRow): Promise<ComponentToken> {
    const appid = row.componentAppid;
    try {
      if (!row.ticket)
        throw AppError.unavailable(
          `no component_verify_ticket has arrived for ${appid} yet: WeChat pushes one every 10 minutes to ` +
            `/open-platform/${appid}/events (set it as the platform's 授权事件接收URL)`,
        );
      const [secret, ticket] = await Promise.all([
        this.box.open(row.componentAppsecret, accountPurpose(appid, 'component_appsecret')),
        this.box.open(row.ticket, accountPurpose(appid, 'ticket')),
      ]);
      const fetched = await this.api.componentToken(appid, secret, ticket);
      const now = this.clock.now();
      const t: ComponentToken = { token: fetched.token, version: row.accessTokenVersion + 1, expiresAt: now + fetched.expiresIn * 1000 };
      const sealed = await this.box.seal(t.token, accountPurpose(appid, 'access_token'));
      if (!(await this.repo.storeToken(appid, this.owner, sealed, t.expiresAt, now)))
        this.logger.warn({ component_appid: appid }, 'component_access_token fetched after this node lost its claim; used, not stored');
      else this.cache.set(appid, t);
      this.metrics?.componentTokenRefresh(appid, 'ok');
      this.logger.info({ component_appid: appid, version: t.version }, 'component_access_token fetched');
      return t;
    } catch (err) {
      const why = err instanceof ComponentErrcodeError ? `${err.errcode} ${err.errmsg}` : (err as Error).message;
      await this.repo.releaseRefresh(appid, this.owner, why, this.clock.now()).catch(() => undefined);
      this.metrics?.componentTokenRefresh(appid, 'failed');
      this.logger.warn({ component_appid: appid, err }, 'component_access_token fetch failed');
      throw err;
    }
  }
}
