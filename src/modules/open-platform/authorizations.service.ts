import { createHash } from 'node:crypto';
import { DeadlockException } from '@mikro-orm/core';
import type { Database } from '../../platform/db/database';
import type { Em } from '../../platform/db/orm';
import { isUniqueViolation } from '../../platform/db/sql';
import { rfc3339, type Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { LockService } from '../../platform/kv/kv';
import type { SecretBox } from '../../platform/secrets/secret-box';
import { AppError } from '../../platform/errors/errors';
import { newId } from '../../platform/ids';
import type { TenantsService } from '../tenancy';
import type { AuditLog, WriteContext } from '../operators';
import { recordEvent } from '../events';
import type { AuthorizationRow } from './open-platform.entity';
import type { AuthorizationRepository } from './authorization.repository';
import type { OpenPlatformRepository } from './open-platform.repository';
import { ComponentErrcodeError, type ComponentApi, type QueriedAuthorization } from './component-api';
import type { ComponentTokens } from './component-token';
import { authorizationMachine } from './authorization.state';
import { authorizerPurpose } from './open-platform.secrets';
import { authorizationJson, type AuthorizationJson } from './open-platform.view';
import { authorizeUrls, type AuthorizeUrls } from './authorize-urls';

/** A redirect may still complete its link this long after the pre_auth_code expired (the auth_code lives an hour). */
const LINK_GRACE_MS = 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * True when an arrival is older than the change already applied. A push's CreateTime counts whole
 * seconds, so times compare by the second: within the same second the arrival is applied.
 */
const olderThan = (arrivalMs: number, appliedMs: number) => Math.floor(arrivalMs / 1000) < Math.floor(appliedMs / 1000);

/** How one authorisation arrived: the redirect (a link) or a push (with its CreateTime). */
interface Arrival {
  infoType: 'authorized' | 'updateauthorized';
  linkId?: string;
  tenantId: string | null;
  /** ms: the push's CreateTime, or now for the redirect (an older arrival never undoes a newer change). */
  at: number;
  requestId?: string;
}

/**
 * Authorisations of the ISV's open platform by its shops' mini-programs: links for operators, the
 * redirect and the `authorized`/`updateauthorized`/`unauthorized` pushes, whichever comes first,
 * each applied once (the transition table; the same authorization code twice changes nothing). An
 * authorised AppID is bound to the link's tenant as `third_party`; a withdrawn one refuses new
 * orders, payments and logins, and the tenant gets `app.authorization_changed`.
 */
export class AuthorizationsService {
  constructor(
    private readonly db: Database,
    private readonly repo: AuthorizationRepository,
    private readonly accounts: OpenPlatformRepository,
    private readonly tokens: ComponentTokens,
    private readonly api: ComponentApi,
    private readonly box: SecretBox,
    private readonly locks: LockService,
    private readonly tenants: TenantsService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly urls: { publicBaseUrl: string; mpBaseUrl: string },
  ) {}

  /** POST /admin/v1/open-platforms/{appid}/authorizations: a pre_auth_code for `tenantId`, and the page the owner opens. */
  async createLink(componentAppid: string, tenantId: string, ctx: WriteContext): Promise<AuthorizeUrls & { link_id: string }> {
    if (!(await this.accounts.find(componentAppid))) throw AppError.notFound(`open platform ${componentAppid}`);
    await this.tenants.get(tenantId); // 404 for an unknown tenant, before WeChat is asked
    const pre = await this.tokens.withToken(componentAppid, (token) => this.api.createPreAuthCode(componentAppid, token));
    const now = this.clock.now();
    const id = newId('opl');
    const expiresAt = now + pre.expiresIn * 1000;
    await this.db.tx(async (em) => {
      await this.repo.insertLink(em, {
        id,
        componentAppid,
        tenantId,
        preAuthCode: pre.preAuthCode,
        expiresAt,
        authorizerAppid: null,
        authCodeHash: null,
        completedAt: null,
        createdBy: ctx.actor,
        createdAt: now,
      });
      await this.audit.record(em, ctx, {
        action: 'open_platform.authorization_link',
        target: `open_platform:${componentAppid}`,
        after: { link_id: id, tenant_id: tenantId, expires_at: rfc3339(expiresAt) },
      });
    });
    return { link_id: id, ...this.urlsOf(componentAppid, id, pre.preAuthCode, expiresAt) };
  }

  /** The link behind a landing page, with WeChat's URLs; 404 when unknown or of another component. */
  async link(componentAppid: string, linkId: string): Promise<AuthorizeUrls & { expired: boolean; completed: boolean }> {
    const link = await this.repo.link(linkId);
    if (!link || link.componentAppid !== componentAppid) throw AppError.notFound('authorisation link');
    return {
      ...this.urlsOf(componentAppid, link.id, link.preAuthCode, link.expiresAt),
      expired: this.clock.now() >= link.expiresAt,
      completed: link.completedAt != null,
    };
  }

  /** GET /open-platform/{appid}/authorized?link=&auth_code=: the owner's browser, back from WeChat. */
  async completeRedirect(componentAppid: string, linkId: string, authCode: string, requestId?: string): Promise<AuthorizationJson> {
    const link = await this.repo.link(linkId);
    if (!link || link.componentAppid !== componentAppid)
      throw AppError.invalid([{ field: 'link', issue: 'is not an authorisation link of this open platform' }]);
    const hash = sha256(authCode);
    const done = async () => {
      const current = await this.repo.link(linkId);
      if (current?.authCodeHash !== hash || !current.authorizerAppid) return undefined;
      return this.repo.find(componentAppid, current.authorizerAppid);
    };
    const already = await done();
    if (already) return authorizationJson(already);
    if (this.clock.now() >= link.expiresAt + LINK_GRACE_MS)
      throw AppError.invalid([{ field: 'link', issue: 'has expired; ask for a new authorisation link' }]);
    const row = await this.exchange(componentAppid, authCode, done, {
      infoType: 'authorized',
      linkId,
      tenantId: link.tenantId,
      at: this.clock.now(),
      requestId,
    });
    return authorizationJson(row);
  }

  /** An `authorized` or `updateauthorized` push: the link by its PreAuthCode, else the tenant that already holds the AppID. */
  async onAuthorizedPush(
    componentAppid: string,
    push: {
      infoType: 'authorized' | 'updateauthorized';
      authorizerAppid: string;
      authCode: string;
      preAuthCode?: string;
      createdAt: number;
    },
    requestId?: string,
  ): Promise<void> {
    const hash = sha256(push.authCode);
    const done = async () => {
      const row = await this.repo.find(componentAppid, push.authorizerAppid);
      return row?.lastAuthCodeHash === hash ? row : undefined;
    };
    if (await done()) return;
    const link = push.preAuthCode ? await this.repo.linkByPreAuthCode(push.preAuthCode) : undefined;
    const existing = await this.repo.find(componentAppid, push.authorizerAppid);
    const tenantId =
      (link?.componentAppid === componentAppid ? link.tenantId : undefined) ??
      existing?.tenantId ??
      (await this.tenants.ownerOfApp(push.authorizerAppid))?.tenantId ??
      null;
    await this.exchange(componentAppid, push.authCode, done, {
      infoType: push.infoType,
      linkId: link?.componentAppid === componentAppid ? link.id : undefined,
      tenantId,
      at: push.createdAt,
      requestId,
    });
  }

  /** An `unauthorized` push: the authorisation moves to unauthorized once; its tenant's binding refuses new business. */
  async onUnauthorizedPush(componentAppid: string, authorizerAppid: string, createdAt: number, requestId?: string): Promise<void> {
    const ctx: WriteContext = { actor: `wechat:${componentAppid}`, requestId };
    const tenantId = await this.db.tx(async (em) => {
      const row = await this.repo.find(componentAppid, authorizerAppid, em, true);
      // Unknown to us, or older than the change we hold: nothing to undo.
      if (!row || olderThan(createdAt, row.stateChangedAt)) return undefined;
      const now = this.clock.now();
      const moved = await authorizationMachine.transition(em, {
        id: row.id,
        to: 'unauthorized',
        known: row,
        // The refresh token dies with the authorisation ("stop using the refresh token").
        set: {
          authorizerAccessToken: null,
          authorizerAccessTokenExpiresAt: null,
          authorizerRefreshToken: null,
          stateChangedAt: createdAt,
          unauthorizedAt: now,
          updatedAt: now,
        },
      });
      if (moved.result !== 'applied' || !row.tenantId) return undefined;
      if (await this.tenants.setAppAuthorized(em, row.tenantId, authorizerAppid, false, ctx))
        await this.changed(em, row.tenantId, moved.row, 'unauthorized');
      return row.tenantId;
    });
    if (tenantId) await this.tenants.changed(tenantId);
    this.logger.info(
      { component_appid: componentAppid, authorizer_appid: authorizerAppid, tenant_id: tenantId },
      'open platform: authorisation withdrawn',
    );
  }

  /** Every authorisation of a component. */
  async list(componentAppid: string): Promise<AuthorizationJson[]> {
    return (await this.repo.ofComponent(componentAppid)).map(authorizationJson);
  }

  /** Every authorisation bound to a tenant (the compliance report). */
  async ofTenant(tenantId: string): Promise<AuthorizationJson[]> {
    return (await this.repo.ofTenant(tenantId)).map(authorizationJson);
  }

  private urlsOf(componentAppid: string, linkId: string, preAuthCode: string, expiresAt: number): AuthorizeUrls {
    return authorizeUrls({ ...this.urls, componentAppid, linkId, preAuthCode, expiresAt });
  }

  /**
   * api_query_auth, then apply: one caller per code at a time (the lock saves a second exchange; the
   * database decides either way). When WeChat refuses a code that the other path applied meanwhile,
   * that is success, not an error.
   */
  private exchange(
    componentAppid: string,
    authCode: string,
    done: () => Promise<AuthorizationRow | undefined>,
    arrival: Arrival,
  ): Promise<AuthorizationRow> {
    return this.locks.withLock(
      `open-platform:code:${sha256(authCode)}`,
      async () => {
        const already = await done();
        if (already) return already;
        let queried: QueriedAuthorization;
        try {
          queried = await this.tokens.withToken(componentAppid, (token) => this.api.queryAuth(componentAppid, token, authCode));
        } catch (err) {
          const applied = err instanceof ComponentErrcodeError ? await done() : undefined;
          if (applied) return applied;
          if (err instanceof ComponentErrcodeError)
            throw AppError.invalid([
              { field: 'auth_code', issue: `is refused by WeChat (${err.errcode}): expired, used, or of another open platform` },
            ]);
          throw err;
        }
        return this.apply(componentAppid, authCode, queried, arrival);
      },
      { ttlMs: 15_000, waitMs: 20_000 },
    );
  }

  private async apply(componentAppid: string, authCode: string, q: QueriedAuthorization, arrival: Arrival): Promise<AuthorizationRow> {
    const hash = sha256(authCode);
    const now = this.clock.now();
    const [access, refresh] = await Promise.all([
      q.accessToken ? this.box.seal(q.accessToken, authorizerPurpose(componentAppid, q.authorizerAppid, 'access_token')) : null,
      q.refreshToken ? this.box.seal(q.refreshToken, authorizerPurpose(componentAppid, q.authorizerAppid, 'refresh_token')) : null,
    ]);
    const tokens = {
      authorizerAccessToken: access,
      authorizerAccessTokenExpiresAt: q.expiresIn ? now + q.expiresIn * 1000 : null,
      authorizerRefreshToken: refresh,
      funcInfo: JSON.stringify(q.funcIds),
      lastAuthCodeHash: hash,
      updatedAt: now,
    };
    const ctx: WriteContext = { actor: `wechat:${componentAppid}`, requestId: arrival.requestId };
    const once = () =>
      this.db.tx(async (em) => {
        const row = await this.repo.find(componentAppid, q.authorizerAppid, em, true);
        const tenantId = arrival.tenantId ?? row?.tenantId ?? null;
        let result: AuthorizationRow;
        let change: 'authorized' | 'updated' | undefined;
        if (!row) {
          result = {
            id: newId('opz'),
            componentAppid,
            authorizerAppid: q.authorizerAppid,
            tenantId,
            state: 'authorized',
            ...tokens,
            stateChangedAt: arrival.at,
            authorizedAt: now,
            unauthorizedAt: null,
            createdAt: now,
          };
          await this.repo.insert(em, result);
          change = 'authorized';
        } else if (row.lastAuthCodeHash === hash || olderThan(arrival.at, row.stateChangedAt)) {
          result = row; // the same code again, or an arrival older than the change we hold
        } else {
          const moved = await authorizationMachine.transition(em, {
            id: row.id,
            to: 'authorized',
            known: row,
            set: { ...tokens, tenantId, stateChangedAt: arrival.at, authorizedAt: now },
          });
          if (moved.result === 'applied') change = 'authorized';
          else {
            // Already authorized: a new code brings new tokens, and updateauthorized a new permission set.
            await this.repo.update(em, row.id, { ...tokens, tenantId });
            if (arrival.infoType === 'updateauthorized' && row.funcInfo !== tokens.funcInfo) change = 'updated';
          }
          result = { ...moved.row, ...tokens, tenantId };
        }
        if (tenantId && result.state === 'authorized') {
          const bound = await this.tenants.bindAuthorizedApp(em, tenantId, q.authorizerAppid, ctx);
          if (bound !== 'unchanged') change ??= 'authorized';
          if (change) await this.changed(em, tenantId, result, change);
        }
        if (arrival.linkId) await this.repo.completeLink(em, arrival.linkId, q.authorizerAppid, hash, now);
        return result;
      });
    let row: AuthorizationRow;
    try {
      row = await once();
    } catch (err) {
      // The redirect and the push of one authorisation raced to insert it: the second reads what the first wrote.
      if (!isUniqueViolation(err) && !(err instanceof DeadlockException)) throw err;
      row = await once();
    }
    if (row.tenantId) await this.tenants.changed(row.tenantId);
    this.logger.info(
      { component_appid: componentAppid, authorizer_appid: q.authorizerAppid, tenant_id: row.tenantId },
      'open platform: authorisation applied',
    );
    return row;
  }

  /** The tenant's `app.authorization_changed`, in the transaction of the change. */
  private async changed(em: Em, tenantId: string, row: AuthorizationRow, change: 'authorized' | 'updated' | 'unauthorized'): Promise<void> {
    await recordEvent(em, {
      tenantId,
      type: 'app.authorization_changed',
      data: {
        appid: row.authorizerAppid,
        dev_mode: 'third_party',
        component_appid: row.componentAppid,
        authorized: change !== 'unauthorized',
        change,
        func_info: JSON.parse(row.funcInfo) as number[],
        changed_at: rfc3339(this.clock.now()),
      },
    });
  }
}
