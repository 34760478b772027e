import { randomBytes } from 'node:crypto';
import type { Em, Orm } from '../common/db/orm';
import type { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { AppError } from '../common/errors';
import { keysetPage, type Page } from '../common/http/paging';
import { validateWebhookUrl } from '../common/net/webhook-url';
import type { Config } from '../config/schema';
import type { AuditLog, WriteContext } from '../audit/audit-log';
import type { SecretBox } from '../secrets/secret-box';
import type { SecondaryClearingGuard } from '../compliance/clearing-guard';
import {
  AppBindingSchema,
  ServiceProviderSchema,
  TenantSchema,
  TenantSecretKeySchema,
  WebhookSecretSchema,
  type AppBindingRow,
  type ServiceProviderRow,
  type TenantRow,
} from './tenancy.entities';
import type { AppCreateInput, AppInput, TenantInput, TenantPatch } from './tenancy.schemas';
import { secretKeyHash, webhookSecretPurpose, type DbTenantDirectory } from './db-tenant-directory';
import { appSecretPurpose } from './login-secrets';
import { tenantJson, type TenantJson } from './tenant-json';

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
    private readonly orm: Orm,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
    private readonly guard: SecondaryClearingGuard,
    private readonly directory: DbTenantDirectory,
  ) {}

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
    const { row, apps } = await this.orm.em.fork().transactional((em) => this.applyCreate(em, p, ctx));
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
    if (await em.findOne(TenantSchema, { sp_mchid: input.sp_mchid, sub_mchid: input.sub_mchid }))
      throw new AppError('TENANT_EXISTS', `sub_mchid ${input.sub_mchid} is already a tenant of service provider ${input.sp_mchid}`, {
        sub_mchid: input.sub_mchid,
      });
    await this.guard.checkTenant({ spMchid: input.sp_mchid, subMchid: input.sub_mchid }, em);
    const now = this.clock.now();
    const row = em.create(TenantSchema, {
      id: p.id,
      sp_mchid: input.sp_mchid,
      sub_mchid: input.sub_mchid,
      name: input.name,
      status: input.status,
      webhook_url: input.webhook_url ?? null,
      order_expire_minutes: input.order_expire_minutes ?? this.config.orders.defaultExpireMinutes,
      orders_per_minute: input.limits?.orders_per_minute ?? this.config.orders.createPerMinutePerTenant,
      profit_sharing_max_ratio: input.profit_sharing?.max_ratio ?? 3000,
      profit_sharing_receivers: JSON.stringify(input.profit_sharing?.receivers ?? []),
      created_at: now,
      updated_at: now,
      version: 1,
    });
    em.persist(row);
    await em.flush();
    const apps = await this.insertApps(em, p.id, sp, input.apps);
    const sk = p.secrets.secret_key;
    await em.insert(TenantSecretKeySchema, {
      id: sk.id,
      tenant_id: p.id,
      prefix: sk.prefix,
      hash: secretKeyHash(sk.secret_key).toString('hex'),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    });
    await em.insert(WebhookSecretSchema, {
      id: p.secrets.webhook_secret.id,
      tenant_id: p.id,
      secret: p.sealedWebhookSecret,
      created_at: now,
      expires_at: null,
      revoked_at: null,
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
    const em = this.orm.em.fork();
    const t = await this.tenant(em, id);
    return this.json(t, await this.apps(em, id));
  }

  /** Tenants newest first, optionally filtered. */
  async list(q: { limit: number; cursor?: string; sp_mchid?: string; sub_mchid?: string; status?: string }): Promise<Page<TenantJson>> {
    const em = this.orm.em.fork();
    const k = keysetPage<TenantRow>('created_at', q.cursor);
    const filter: Record<string, unknown> = { ...k.where };
    if (q.sp_mchid) filter.sp_mchid = q.sp_mchid;
    if (q.sub_mchid) filter.sub_mchid = q.sub_mchid;
    if (q.status) filter.status = q.status;
    const rows = await em.find(TenantSchema, filter, { orderBy: k.orderBy, limit: q.limit + 1 });
    const apps = rows.length
      ? await em.find(AppBindingSchema, { tenant_id: { $in: rows.map((r) => r.id) } }, { orderBy: { created_at: 'asc', appid: 'asc' } })
      : [];
    return k.page(rows, q.limit, (r) =>
      this.json(
        r,
        apps.filter((a) => a.tenant_id === r.id),
      ),
    );
  }

  /** PATCH: name, status, webhook_url, order_expire_minutes, limits, profit_sharing. */
  async update(id: string, patch: TenantPatch, ctx: WriteContext): Promise<TenantJson> {
    await this.checkWebhookUrl(patch.webhook_url);
    const out = await this.orm.em
      .fork()
      .transactional(async (em) => this.applyChanges(em, await this.tenant(em, id), patch, ctx, 'tenant.update'));
    this.directory.invalidateTenant(id);
    return out;
  }

  /** Binds one more AppID, with its AppSecret when given (sealed before the transaction). */
  async addApp(id: string, input: AppCreateInput, ctx: WriteContext): Promise<TenantJson> {
    const { app_secret: secret, ...app } = input;
    const sealed = secret ? await this.box.seal(secret, appSecretPurpose(id, app.appid)) : undefined;
    const out = await this.orm.em.fork().transactional(async (em) => {
      const t = await this.tenant(em, id);
      const current = await this.apps(em, id);
      if (current.some((a) => a.appid === app.appid))
        throw new AppError('CONFLICT', `appid ${app.appid} is already bound to this tenant`, {
          fields: [{ field: 'appid', issue: 'already bound to this tenant' }],
        });
      const added = await this.applyChanges(
        em,
        t,
        { apps: [...current.map((a) => ({ appid: a.appid, type: a.type, dev_mode: a.dev_mode })), app] },
        ctx,
        'tenant.app_add',
      );
      return sealed ? this.writeAppSecret(em, t, app.appid, sealed, ctx) : added;
    });
    this.directory.invalidateTenant(id);
    return out;
  }

  /** Sets, rotates or (null) removes the AppSecret of a bound AppID; audited without the value. */
  async setAppSecret(id: string, appid: string, secret: string | null, ctx: WriteContext): Promise<TenantJson> {
    const sealed = secret ? await this.box.seal(secret, appSecretPurpose(id, appid)) : null;
    return this.orm.em.fork().transactional(async (em) => {
      const t = await this.tenant(em, id);
      if (!(await this.apps(em, id)).some((a) => a.appid === appid)) throw AppError.notFound('app binding');
      return this.writeAppSecret(em, t, appid, sealed, ctx);
    });
  }

  private async writeAppSecret(em: Em, t: TenantRow, appid: string, sealed: string | null, ctx: WriteContext): Promise<TenantJson> {
    const before = (await this.apps(em, t.id)).find((a) => a.appid === appid);
    await em.nativeUpdate(AppBindingSchema, { tenant_id: t.id, appid }, { app_secret: sealed });
    await this.audit.record(em, ctx, {
      action: sealed ? 'tenant.app_secret_set' : 'tenant.app_secret_remove',
      target: `tenant:${t.id}`,
      before: { appid, app_secret_set: before?.app_secret != null },
      after: { appid, app_secret_set: sealed !== null },
    });
    return this.json(t, await this.apps(em, t.id));
  }

  /** Unbinds an AppID (404 when it is not bound to this tenant). */
  async removeApp(id: string, appid: string, ctx: WriteContext): Promise<TenantJson> {
    const out = await this.orm.em.fork().transactional(async (em) => {
      const t = await this.tenant(em, id);
      const current = await this.apps(em, id);
      if (!current.some((a) => a.appid === appid)) throw AppError.notFound('app binding');
      return this.applyChanges(
        em,
        t,
        { apps: current.filter((a) => a.appid !== appid).map((a) => ({ appid: a.appid, type: a.type, dev_mode: a.dev_mode })) },
        ctx,
        'tenant.app_remove',
      );
    });
    this.directory.invalidateTenant(id);
    return out;
  }

  /**
   * Applies `changes` to a tenant inside `em`'s transaction, audited as `action`; answers the new JSON.
   * Callers invalidate the directory after commit.
   */
  async applyChanges(em: Em, t: TenantRow, changes: TenantChanges, ctx: WriteContext, action: string): Promise<TenantJson> {
    const beforeApps = await this.apps(em, t.id);
    const before = this.json({ ...t }, beforeApps);
    if (changes.name !== undefined) t.name = changes.name;
    if (changes.status !== undefined) t.status = changes.status;
    if (changes.webhook_url !== undefined) t.webhook_url = changes.webhook_url;
    if (changes.order_expire_minutes !== undefined) t.order_expire_minutes = changes.order_expire_minutes;
    if (changes.limits?.orders_per_minute !== undefined) t.orders_per_minute = changes.limits.orders_per_minute;
    if (changes.profit_sharing?.max_ratio !== undefined) t.profit_sharing_max_ratio = changes.profit_sharing.max_ratio;
    if (changes.profit_sharing?.receivers !== undefined) t.profit_sharing_receivers = JSON.stringify(changes.profit_sharing.receivers);
    let apps = beforeApps;
    if (changes.apps) {
      const sp = await this.provider(em, t.sp_mchid);
      const same = (a: AppInput, b: AppBindingRow) => a.appid === b.appid && a.type === b.type && a.dev_mode === b.dev_mode;
      const gone = beforeApps.filter((b) => !changes.apps!.some((a) => same(a, b)));
      if (gone.length) await em.nativeDelete(AppBindingSchema, { id: { $in: gone.map((g) => g.id) } });
      const kept = beforeApps.filter((b) => !gone.includes(b));
      const added = await this.insertApps(
        em,
        t.id,
        sp,
        changes.apps.filter((a) => !beforeApps.some((b) => same(a, b))),
      );
      apps = [...kept, ...added];
    }
    t.updated_at = this.clock.now();
    await em.flush(); // the version column guards against a concurrent update of the same tenant
    const after = this.json(t, apps);
    await this.audit.record(em, ctx, { action, target: `tenant:${t.id}`, before, after });
    return after;
  }

  /** The tenant row (managed by `em`), or 404. */
  async tenant(em: Em, id: string): Promise<TenantRow> {
    const t = await em.findOne(TenantSchema, { id });
    if (!t) throw AppError.notFound('tenant');
    return t;
  }

  apps(em: Em, tenantId: string): Promise<AppBindingRow[]> {
    return em.find(AppBindingSchema, { tenant_id: tenantId }, { orderBy: { created_at: 'asc', appid: 'asc' } });
  }

  private async provider(em: Em, spMchid: string): Promise<ServiceProviderRow> {
    const sp = await em.findOne(ServiceProviderSchema, { sp_mchid: spMchid });
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
    const spAppids = new Set((await em.find(ServiceProviderSchema, {}, { fields: ['sp_appid'] })).map((s) => s.sp_appid));
    apps.forEach((a, i) => {
      if (a.dev_mode === 'centralized' && a.appid !== sp.sp_appid)
        throw AppError.invalid([
          { field: `apps.${i}.appid`, issue: `a centralized binding must be the service provider's sp_appid ${sp.sp_appid}` },
        ]);
      if (a.dev_mode !== 'centralized' && spAppids.has(a.appid))
        throw AppError.invalid([
          { field: `apps.${i}.dev_mode`, issue: "a service provider's sp_appid can be bound only in centralized mode" },
        ]);
    });
    const claims = apps.map((a) => claimOf(tenantId, a));
    const taken = await em.find(AppBindingSchema, { claim: { $in: claims } });
    if (taken.length)
      throw new AppError('CONFLICT', `appid ${taken[0].appid} is already bound to another tenant`, {
        fields: [{ field: 'appid', issue: 'bound to another tenant' }],
      });
    const now = this.clock.now();
    const rows: AppBindingRow[] = apps.map((a) => ({
      id: newId('app'),
      tenant_id: tenantId,
      appid: a.appid,
      type: a.type,
      dev_mode: a.dev_mode,
      claim: claimOf(tenantId, a),
      app_secret: null,
      created_at: now,
    }));
    await em.insertMany(AppBindingSchema, rows);
    return rows;
  }
}
