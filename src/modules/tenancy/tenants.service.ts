import { randomBytes } from 'node:crypto';
import type { Em } from '../../platform/db/orm';
import type { Database } from '../../platform/db/database';
import type { Clock } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { AppError } from '../../platform/errors/errors';
import { keysetPage, type Page } from '../../platform/http/paging';
import { validateWebhookUrl } from '../../platform/net/webhook-url';
import type { Config } from '../../platform/config/schema';
import type { AuditLog, WriteContext } from '../operators';
import type { SecretBox } from '../../platform/secrets/secret-box';
import type { SecondaryClearingGuard } from './clearing-guard';
import type { AppBindingRow, ServiceProviderRow, TenantRow } from './tenancy.entity';
import type { TenantRepository } from './tenant.repository';
import type { TenantKeyRepository } from './tenant-key.repository';
import type { ServiceProviderRepository } from './service-provider.repository';
import type { AppCreateInput, AppInput, TenantInput, TenantPatch } from './tenancy.schemas';
import { secretKeyHash, webhookSecretPurpose, type DbTenantDirectory } from './db-tenant-directory';
import { appSecretPurpose } from './login-secrets';
import { tenantJson, type TenantJson } from './tenant.view';
import type { TenancyEvents } from './tenancy-events';

/** A new tenant's secrets, answered once. */
export interface NewTenantSecrets {
  secret_key: { id: string; prefix: string; secret_key: string };
  webhook_secret: { id: string; webhook_secret: string };
}

/** A tenant ready to insert: validated outside any transaction, secrets generated and sealed. */
export interface PreparedTenant {
  id: string;
  input: TenantInput;
  secrets: NewTenantSecrets;
  sealedWebhookSecret: string;
}

/** Everything an update may change (the PATCH fields, plus the full app set for tenants/*.json). */
export interface TenantChanges extends TenantPatch {
  apps?: AppInput[];
}

/** A new secret key `sk_...`: returns the key and what is stored (prefix, hash). */
export function newSecretKey(): { key: string; prefix: string; hash: string } {
  const key = `sk_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 11), hash: secretKeyHash(key).toString('hex') };
}

/** The claim that makes an AppID belong to one tenant (see AppBindingRow). */
const claimOf = (tenantId: string, app: AppInput) => (app.dev_mode === 'centralized' ? `${app.appid}/${tenantId}` : app.appid);

/**
 * Tenants (sub-merchants): the one service behind the admin API and tenants:sync. Validation that
 * needs the network (webhook URLs) or the SecretBox runs before the transaction; every write and its
 * audit entry commit together.
 */
export class TenantsService {
  constructor(
    private readonly db: Database,
    private readonly tenants: TenantRepository,
    private readonly keys: TenantKeyRepository,
    private readonly providers: ServiceProviderRepository,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
    private readonly guard: SecondaryClearingGuard,
    private readonly directory: DbTenantDirectory,
    private readonly events?: TenancyEvents,
  ) {}

  /** After a commit that changed tenant `id`: readers see it, listeners hear of it (before the write answers). */
  async changed(id: string): Promise<void> {
    this.directory.invalidateTenant(id);
    await this.events?.emit({ kind: 'tenant', tenant_id: id });
  }

  json(t: TenantRow, apps: AppBindingRow[]): TenantJson {
    return tenantJson(t, apps, this.config.server.publicBaseUrl);
  }

  /** Refuses a webhook URL (400 naming webhook_url) per config.security.allowPrivateWebhooks. */
  async checkWebhookUrl(url: string | null | undefined): Promise<void> {
    if (url) await validateWebhookUrl(url, { allowPrivate: this.config.security.allowPrivateWebhooks });
  }

  /** Creates a tenant with one secret key and one webhook secret (both in this answer only). */
  async create(input: TenantInput, ctx: WriteContext): Promise<{ tenant: TenantJson } & NewTenantSecrets> {
    const p = await this.prepareCreate(input);
    const { row, apps } = await this.db.tx((em) => this.applyCreate(em, p, ctx));
    await this.changed(row.id);
    return { tenant: this.json(row, apps), ...p.secrets };
  }

  async prepareCreate(input: TenantInput): Promise<PreparedTenant> {
    await this.checkWebhookUrl(input.webhook_url);
    const id = newId('ten');
    const sk = newSecretKey();
    const whId = newId('whk');
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    return {
      id,
      input,
      secrets: {
        secret_key: { id: newId('key'), prefix: sk.prefix, secret_key: sk.key },
        webhook_secret: { id: whId, webhook_secret: secret },
      },
      sealedWebhookSecret: await this.box.seal(secret, webhookSecretPurpose(id, whId)),
    };
  }

  /** Inserts a prepared tenant inside `em`'s transaction. */
  async applyCreate(em: Em, p: PreparedTenant, ctx: WriteContext): Promise<{ row: TenantRow; apps: AppBindingRow[] }> {
    const { input } = p;
    const sp = await this.provider(em, input.sp_mchid);
    if (await this.tenants.findOfProvider(input.sp_mchid, input.sub_mchid, em))
      throw new AppError('TENANT_EXISTS', `sub_mchid ${input.sub_mchid} is already a tenant of service provider ${input.sp_mchid}`, {
        sub_mchid: input.sub_mchid,
      });
    await this.guard.checkTenant({ spMchid: input.sp_mchid, subMchid: input.sub_mchid }, em);
    const now = this.clock.now();
    const row: TenantRow = {
      id: p.id,
      spMchid: input.sp_mchid,
      subMchid: input.sub_mchid,
      name: input.name,
      status: input.status,
      webhookUrl: input.webhook_url ?? null,
      orderExpireMinutes: input.order_expire_minutes ?? this.config.orders.defaultExpireMinutes,
      ordersPerMinute: input.limits?.orders_per_minute ?? this.config.orders.createPerMinutePerTenant,
      profitSharingMaxRatio: input.profit_sharing?.max_ratio ?? 3000,
      profitSharingReceivers: JSON.stringify(input.profit_sharing?.receivers ?? []),
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await this.tenants.insert(em, row);
    const apps = await this.insertApps(em, p.id, sp, input.apps);
    const sk = p.secrets.secret_key;
    await this.keys.insertSecretKey(em, {
      id: sk.id,
      tenantId: p.id,
      prefix: sk.prefix,
      hash: secretKeyHash(sk.secret_key).toString('hex'),
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.keys.insertWebhookSecret(em, {
      id: p.secrets.webhook_secret.id,
      tenantId: p.id,
      secret: p.sealedWebhookSecret,
      createdAt: now,
      expiresAt: null,
      revokedAt: null,
    });
    await this.audit.record(em, ctx, {
      action: 'tenant.create',
      target: `tenant:${p.id}`,
      after: { ...this.json(row, apps), secret_key_id: sk.id, webhook_secret_id: p.secrets.webhook_secret.id },
    });
    return { row, apps };
  }

  /** The 二清 checks for a tenant of `input.sp_mchid` with `input.sub_mchid` (throws 422). */
  async guardTenant(em: Em, input: Pick<TenantInput, 'sp_mchid' | 'sub_mchid'>): Promise<void> {
    await this.guard.checkTenant({ spMchid: input.sp_mchid, subMchid: input.sub_mchid }, em);
  }

  async get(id: string): Promise<TenantJson> {
    const t = await this.tenant(this.db.read(), id);
    return this.json(t, await this.apps(this.db.read(), id));
  }

  /** Tenants newest first, optionally filtered. */
  async list(q: { limit: number; cursor?: string; sp_mchid?: string; sub_mchid?: string; status?: string }): Promise<Page<TenantJson>> {
    const k = keysetPage<TenantRow>('createdAt', q.cursor);
    const rows = await this.tenants.list({ spMchid: q.sp_mchid, subMchid: q.sub_mchid, status: q.status }, q.limit + 1, k.after);
    const apps = await this.tenants.appsOf(rows.map((r) => r.id));
    return k.page(rows, q.limit, (r) =>
      this.json(
        r,
        apps.filter((a) => a.tenantId === r.id),
      ),
    );
  }

  /** PATCH: name, status, webhook_url, order_expire_minutes, limits, profit_sharing. */
  async update(id: string, patch: TenantPatch, ctx: WriteContext): Promise<TenantJson> {
    await this.checkWebhookUrl(patch.webhook_url);
    const out = await this.db.tx(async (em) => this.applyChanges(em, await this.tenant(em, id), patch, ctx, 'tenant.update'));
    await this.changed(id);
    return out;
  }

  /** Binds one more AppID, with its AppSecret when given (sealed before the transaction). */
  async addApp(id: string, input: AppCreateInput, ctx: WriteContext): Promise<TenantJson> {
    const { app_secret: secret, ...app } = input;
    const sealed = secret ? await this.box.seal(secret, appSecretPurpose(id, app.appid)) : undefined;
    const out = await this.db.tx(async (em) => {
      const t = await this.tenant(em, id);
      const current = await this.apps(em, id);
      if (current.some((a) => a.appid === app.appid))
        throw new AppError('CONFLICT', `appid ${app.appid} is already bound to this tenant`, {
          fields: [{ field: 'appid', issue: 'already bound to this tenant' }],
        });
      const added = await this.applyChanges(
        em,
        t,
        { apps: [...current.map((a) => ({ appid: a.appid, type: a.type, dev_mode: a.devMode })), app] },
        ctx,
        'tenant.app_add',
      );
      return sealed ? this.writeAppSecret(em, t, app.appid, sealed, ctx) : added;
    });
    await this.changed(id);
    return out;
  }

  /** Sets, rotates or (null) removes the AppSecret of a bound AppID; audited without the value. */
  async setAppSecret(id: string, appid: string, secret: string | null, ctx: WriteContext): Promise<TenantJson> {
    const sealed = secret ? await this.box.seal(secret, appSecretPurpose(id, appid)) : null;
    const out = await this.db.tx(async (em) => {
      const t = await this.tenant(em, id);
      if (!(await this.apps(em, id)).some((a) => a.appid === appid)) throw AppError.notFound('app binding');
      return this.writeAppSecret(em, t, appid, sealed, ctx);
    });
    await this.changed(id);
    return out;
  }

  private async writeAppSecret(em: Em, t: TenantRow, appid: string, sealed: string | null, ctx: WriteContext): Promise<TenantJson> {
    const before = (await this.apps(em, t.id)).find((a) => a.appid === appid);
    await this.tenants.setAppSecret(em, t.id, appid, sealed);
    await this.audit.record(em, ctx, {
      action: sealed ? 'tenant.app_secret_set' : 'tenant.app_secret_remove',
      target: `tenant:${t.id}`,
      before: { appid, app_secret_set: before?.appSecret != null },
      after: { appid, app_secret_set: sealed !== null },
    });
    return this.json(t, await this.apps(em, t.id));
  }

  /**
   * Binds `appid` to the tenant as a third_party mini-program authorised on the open platform, or
   * marks its third_party binding authorized again, inside `em`'s transaction (the caller invalidates
   * the directory after commit). 409 CONFLICT when this tenant has it under another dev mode or
   * another tenant holds it: nothing is written.
   */
  async bindAuthorizedApp(em: Em, tenantId: string, appid: string, ctx: WriteContext): Promise<'bound' | 'reauthorized' | 'unchanged'> {
    const t = await this.tenant(em, tenantId);
    const current = await this.apps(em, tenantId);
    const mine = current.find((a) => a.appid === appid);
    if (mine && mine.devMode !== 'third_party')
      throw new AppError(
        'CONFLICT',
        `appid ${appid} is already bound to tenant ${tenantId} as ${mine.devMode}; remove that binding ` +
          `(DELETE /admin/v1/tenants/${tenantId}/apps/${appid}) before authorising it through the open platform`,
        { appid, dev_mode: mine.devMode, fields: [{ field: 'appid', issue: `bound as ${mine.devMode}` }] },
      );
    if (mine) return (await this.setAppAuthorized(em, tenantId, appid, true, ctx)) ? 'reauthorized' : 'unchanged';
    const apps = [
      ...current.map((a) => ({ appid: a.appid, type: a.type, dev_mode: a.devMode })),
      { appid, type: 'miniprogram' as const, dev_mode: 'third_party' as const },
    ];
    await this.applyChanges(em, t, { apps }, ctx, 'tenant.app_authorized');
    return 'bound';
  }

  /** Marks the tenant's third_party binding of `appid` authorized or withdrawn in `em`'s transaction (audited); true when it changed. */
  async setAppAuthorized(em: Em, tenantId: string, appid: string, authorized: boolean, ctx: WriteContext): Promise<boolean> {
    if (!(await this.tenants.setAppAuthorized(em, tenantId, appid, authorized))) return false;
    await this.audit.record(em, ctx, {
      action: authorized ? 'tenant.app_authorized' : 'tenant.app_unauthorized',
      target: `tenant:${tenantId}`,
      before: { appid, authorized: !authorized },
      after: { appid, authorized },
    });
    return true;
  }

  /** The tenant that holds `appid` as its own (not centralized) app, with its dev mode. */
  async ownerOfApp(appid: string, em: Em = this.tenants.db.read()): Promise<{ tenantId: string; devMode: string } | undefined> {
    const b = await this.tenants.findOwnApp(appid, em);
    return b ? { tenantId: b.tenantId, devMode: b.devMode } : undefined;
  }

  /** Unbinds an AppID (404 when it is not bound to this tenant). */
  async removeApp(id: string, appid: string, ctx: WriteContext): Promise<TenantJson> {
    const out = await this.db.tx(async (em) => {
      const t = await this.tenant(em, id);
      const current = await this.apps(em, id);
      if (!current.some((a) => a.appid === appid)) throw AppError.notFound('app binding');
      return this.applyChanges(
        em,
        t,
        { apps: current.filter((a) => a.appid !== appid).map((a) => ({ appid: a.appid, type: a.type, dev_mode: a.devMode })) },
        ctx,
        'tenant.app_remove',
      );
    });
    await this.changed(id);
    return out;
  }

  /**
   * Applies `changes` to a tenant inside `em`'s transaction, audited as `action`; answers the new JSON.
   * Callers invalidate the directory after commit.
   */
  async applyChanges(em: Em, current: TenantRow, changes: TenantChanges, ctx: WriteContext, action: string): Promise<TenantJson> {
    const beforeApps = await this.apps(em, current.id);
    const before = this.json(current, beforeApps);
    const t: TenantRow = { ...current };
    if (changes.name !== undefined) t.name = changes.name;
    if (changes.status !== undefined) t.status = changes.status;
    if (changes.webhook_url !== undefined) t.webhookUrl = changes.webhook_url;
    if (changes.order_expire_minutes !== undefined) t.orderExpireMinutes = changes.order_expire_minutes;
    if (changes.limits?.orders_per_minute !== undefined) t.ordersPerMinute = changes.limits.orders_per_minute;
    if (changes.profit_sharing?.max_ratio !== undefined) t.profitSharingMaxRatio = changes.profit_sharing.max_ratio;
    if (changes.profit_sharing?.receivers !== undefined) t.profitSharingReceivers = JSON.stringify(changes.profit_sharing.receivers);
    let apps = beforeApps;
    if (changes.apps) {
      const sp = await this.provider(em, t.spMchid);
      const same = (a: AppInput, b: AppBindingRow) => a.appid === b.appid && a.type === b.type && a.dev_mode === b.devMode;
      const gone = beforeApps.filter((b) => !changes.apps!.some((a) => same(a, b)));
      await this.tenants.deleteApps(
        em,
        gone.map((g) => g.id),
      );
      const kept = beforeApps.filter((b) => !gone.includes(b));
      const added = await this.insertApps(
        em,
        t.id,
        sp,
        changes.apps.filter((a) => !beforeApps.some((b) => same(a, b))),
      );
      apps = [...kept, ...added];
    }
    t.updatedAt = this.clock.now();
    // Guarded by the version read: a concurrent update of the same tenant makes this one a 409.
    if (!(await this.tenants.update(em, t)))
      throw new AppError('CONFLICT', 'the tenant was changed by another request meanwhile; read it again and retry');
    t.version++;
    const after = this.json(t, apps);
    await this.audit.record(em, ctx, { action, target: `tenant:${t.id}`, before, after });
    return after;
  }

  /** The tenant row, or 404. */
  async tenant(em: Em, id: string): Promise<TenantRow> {
    const t = await this.tenants.find(id, em);
    if (!t) throw AppError.notFound('tenant');
    return t;
  }

  /** The tenant's app bindings, oldest first. */
  apps(em: Em, tenantId: string): Promise<AppBindingRow[]> {
    return this.tenants.apps(tenantId, em);
  }

  private async provider(em: Em, spMchid: string): Promise<ServiceProviderRow> {
    const sp = await this.providers.find(spMchid, em);
    if (!sp)
      throw AppError.invalid([
        { field: 'sp_mchid', issue: 'is not a configured service provider (PUT /admin/v1/service-providers/{sp_mchid} first)' },
      ]);
    return sp;
  }

  /**
   * Inserts bindings after checking them: a centralized binding is the provider's sp_appid; an
   * sp_appid is bound only in centralized mode; an AppID is no other tenant's (claim index).
   */
  private async insertApps(em: Em, tenantId: string, sp: ServiceProviderRow, apps: AppInput[]): Promise<AppBindingRow[]> {
    if (!apps.length) return [];
    const spAppids = new Set((await this.providers.all(em)).map((s) => s.spAppid));
    apps.forEach((a, i) => {
      if (a.dev_mode === 'centralized' && a.appid !== sp.spAppid)
        throw AppError.invalid([
          { field: `apps.${i}.appid`, issue: `a centralized binding must be the service provider's sp_appid ${sp.spAppid}` },
        ]);
      if (a.dev_mode !== 'centralized' && spAppids.has(a.appid))
        throw AppError.invalid([
          { field: `apps.${i}.dev_mode`, issue: "a service provider's sp_appid can be bound only in centralized mode" },
        ]);
    });
    const claims = apps.map((a) => claimOf(tenantId, a));
    const taken = await this.tenants.appsByClaims(claims, em);
    if (taken.length)
      throw new AppError('CONFLICT', `appid ${taken[0].appid} is already bound to another tenant`, {
        fields: [{ field: 'appid', issue: 'bound to another tenant' }],
      });
    const now = this.clock.now();
    const rows: AppBindingRow[] = apps.map((a) => ({
      id: newId('app'),
      tenantId,
      appid: a.appid,
      type: a.type,
      devMode: a.dev_mode,
      claim: claimOf(tenantId, a),
      appSecret: null,
      authorized: true,
      createdAt: now,
    }));
    await this.tenants.insertApps(em, rows);
    return rows;
  }
}
