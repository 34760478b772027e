import type { Em } from '../../platform/db/orm';
import { AppError } from '../../platform/errors/errors';
import type { CredentialsProvider } from '@partnerpay/wxpay';
import type { AppBinding, TenantView } from './tenant-directory';
import type { TenantRow } from './tenancy.entity';
import type { TenantRepository } from './tenant.repository';
import type { ServiceProviderRepository } from './service-provider.repository';
import { RULES, type ClearingRule } from './clearing-rules';

/** 422 SECONDARY_CLEARING_FORBIDDEN with detail.rule and a message that says why. */
export function refuse(rule: ClearingRule, message: string, detail: Record<string, unknown> = {}): AppError {
  return new AppError('SECONDARY_CLEARING_FORBIDDEN', `二清 refused (${rule}): ${message}`, { rule, ...detail });
}

export interface SplitRequest {
  receivers: Array<{ type: string; account: string }>;
  /** Share of the order to split off, in 万分比 (basis points of 0.01%: 3000 = 30%), integer 0-10000, cumulative for the order. */
  ratio: number;
}

export interface RuleResult {
  rule: ClearingRule;
  holds: boolean;
  explanation: string;
}

const PROVIDER_TTL_MS = 10_000;

/**
 * The one module that decides whether a flow could amount to 二清, and says why not (bound to
 * TOKENS.ClearingGuard). Database constraints back the tenant rules; checkOrder runs on every order
 * from in-memory caches, so it costs no query.
 */
export class SecondaryClearingGuard {
  private providers?: { mchids: Set<string>; at: number };

  constructor(
    private readonly tenants: TenantRepository,
    private readonly sps: ServiceProviderRepository,
    private readonly credentials: CredentialsProvider,
  ) {}

  /** Forgets the cached set of sp_mchids (after a service-provider PUT). */
  invalidateProviders(): void {
    this.providers = undefined;
  }

  private async providerMchids(): Promise<Set<string>> {
    if (this.providers && Date.now() - this.providers.at < PROVIDER_TTL_MS) return this.providers.mchids;
    const rows = await this.sps.all();
    this.providers = { mchids: new Set(rows.map((r) => r.spMchid)), at: Date.now() };
    return this.providers.mchids;
  }

  /**
   * A tenant (new, or `tenantId` being changed) for `subMchid` under `spMchid`: refuses when sub_mchid
   * is any provider's sp_mchid, or already another tenant's. Pass the transaction's `em` when inside one.
   */
  async checkTenant(t: { spMchid: string; subMchid: string; tenantId?: string }, em?: Em): Promise<void> {
    if (await this.sps.countBySpMchid(t.subMchid, em))
      throw refuse(
        'isv_collects_own_account',
        `sub_mchid ${t.subMchid} is a service provider's own sp_mchid; the ISV may not collect into its own account for its merchants`,
        { sub_mchid: t.subMchid },
      );
    const other = await this.tenants.findOtherBySubMchid(t.subMchid, t.tenantId, em);
    if (other && other.spMchid !== t.spMchid)
      throw refuse(
        'shared_sub_mchid',
        `sub_mchid ${t.subMchid} is already a tenant under service provider ${other.spMchid}; one settlement account serves one tenant`,
        { sub_mchid: t.subMchid },
      );
  }

  /** A service provider about to be stored: its sp_mchid may not be a tenant's sub_mchid, its sp_appid not a tenant's own AppID. */
  async checkProvider(spMchid: string, em?: Em, spAppid?: string): Promise<void> {
    if (spAppid !== undefined) {
      const own = await this.tenants.findOwnApp(spAppid, em);
      if (own)
        throw refuse(
          'sp_appid_is_tenant_app',
          `sp_appid ${spAppid} is already a tenant's own AppID (${own.devMode}); a provider's sp_appid must be the ISV's own app`,
          { sp_appid: spAppid, fields: [{ field: 'sp_appid', issue: "is a tenant's own AppID" }] },
        );
    }
    if (await this.tenants.countBySubMchid(spMchid, undefined, em))
      throw refuse(
        'isv_collects_own_account',
        `sp_mchid ${spMchid} is already a tenant's sub_mchid; the ISV may not collect into its own account for its merchants`,
        { sp_mchid: spMchid },
      );
  }

  /**
   * Before any upstream call for a tenant's order: the tenant is not its provider, and `app` is one of
   * the tenant's bindings (a centralized one only through its provider's sp_appid).
   */
  async checkOrder(tenant: TenantView, app: AppBinding): Promise<void> {
    if ((await this.providerMchids()).has(tenant.subMchid))
      throw refuse('isv_collects_own_account', `sub_mchid ${tenant.subMchid} is a service provider's own sp_mchid`, {
        tenant_id: tenant.id,
      });
    const bound = tenant.apps.find((a) => a.appid === app.appid && a.devMode === app.devMode);
    if (!bound)
      throw refuse('app_not_bound_to_tenant', `appid ${app.appid} (${app.devMode}) is not bound to this tenant`, {
        tenant_id: tenant.id,
        appid: app.appid,
      });
    const sp = await this.credentials.get(tenant.spMchid);
    if (!sp) throw new AppError('UNPROCESSABLE', `service provider ${tenant.spMchid} is not configured`);
    if ((app.devMode === 'centralized') !== (app.appid === sp.spAppid))
      throw refuse(
        'app_not_bound_to_tenant',
        app.devMode === 'centralized'
          ? `a centralized binding must be the service provider's sp_appid ${sp.spAppid}`
          : `the service provider's sp_appid may be used only in centralized mode`,
        { tenant_id: tenant.id, appid: app.appid },
      );
  }

  /**
   * A 合单 sub-order placed by provider `spMchid` for `tenant` (undefined: no such tenant): refuses
   * another provider's tenant (or an unknown one, alike, so nothing is revealed), a tenant that is a
   * provider's own mchid, and an inactive tenant.
   */
  async checkCombineSubOrder(spMchid: string, tenantId: string, tenant: TenantView | undefined): Promise<TenantView> {
    if (!tenant || tenant.spMchid !== spMchid)
      throw refuse('tenant_of_another_provider', `tenant ${tenantId} is not a tenant of service provider ${spMchid}`, {
        tenant_id: tenantId,
      });
    if (tenant.subMchid === spMchid || (await this.providerMchids()).has(tenant.subMchid))
      throw refuse('isv_collects_own_account', `sub_mchid ${tenant.subMchid} is a service provider's own sp_mchid`, {
        tenant_id: tenant.id,
      });
    if (tenant.status !== 'active')
      throw new AppError('TENANT_SUSPENDED', `tenant ${tenant.id} is ${tenant.status}: it cannot take part in a combined order`, {
        tenant_id: tenant.id,
      });
    return tenant;
  }

  /** A profit-sharing split for the tenant: within its authorised ratio (default 30%), to approved receivers only. */
  async checkProfitSharing(tenant: TenantView, split: SplitRequest): Promise<void> {
    if (!Number.isInteger(split.ratio) || split.ratio < 0 || split.ratio > 10_000)
      throw new TypeError('split.ratio is in 万分比: an integer 0-10000 (3000 = 30%)');
    const row = await this.tenants.find(tenant.id);
    if (!row) throw AppError.notFound('tenant');
    if (split.ratio > row.profitSharingMaxRatio)
      throw refuse(
        'ratio_above_cap',
        `a split of ${split.ratio / 100}% exceeds the ${row.profitSharingMaxRatio / 100}% this sub-merchant authorised`,
        { ratio: split.ratio, max_ratio: row.profitSharingMaxRatio },
      );
    const approved = approvedReceivers(row);
    const stranger = split.receivers.find((r) => !approved.some((a) => a.type === r.type && a.account === r.account));
    if (stranger)
      throw refuse('receiver_not_approved', `receiver ${stranger.type} ${stranger.account} is not approved for this tenant`, {
        receiver: { type: stranger.type, account: stranger.account },
      });
  }

  /** Each rule for one tenant, and whether it holds now (GET /admin/v1/tenants/{id}/compliance). */
  async evaluate(tenantId: string): Promise<RuleResult[] | undefined> {
    const t = await this.tenants.find(tenantId);
    if (!t) return undefined;
    const [sp, bindings, spNamed, sharers] = await Promise.all([
      this.sps.find(t.spMchid),
      this.tenants.apps(t.id),
      this.sps.countBySpMchid(t.subMchid),
      this.tenants.countBySubMchid(t.subMchid, t.id),
    ]);
    const ownAppids = bindings.filter((b) => b.devMode !== 'centralized').map((b) => b.appid);
    const centralAppids = bindings.filter((b) => b.devMode === 'centralized').map((b) => b.appid);
    const [ownIsSpAppid, centralIsOwnedElsewhere] = await Promise.all([
      this.sps.countBySpAppids(ownAppids),
      this.tenants.countOwnApps(centralAppids),
    ]);
    const wrongApps = bindings.filter((b) => !sp || (b.devMode === 'centralized') !== (b.appid === sp.spAppid)).map((b) => b.appid);
    const receivers = approvedReceivers(t);
    const explain = (rule: ClearingRule) => RULES.find((r) => r.rule === rule)!.title;
    return [
      {
        rule: 'isv_collects_own_account',
        holds: spNamed === 0,
        explanation:
          spNamed === 0
            ? `sub_mchid ${t.subMchid} is not a service provider's sp_mchid`
            : `sub_mchid ${t.subMchid} is a service provider's own sp_mchid`,
      },
      {
        rule: 'partner_endpoints_only',
        holds: true,
        explanation:
          `${explain('partner_endpoints_only')}: orders for this tenant go to /v3/pay/partner/transactions/* ` +
          `with sp_mchid ${t.spMchid} and sub_mchid ${t.subMchid}`,
      },
      {
        rule: 'shared_sub_mchid',
        holds: sharers === 0,
        explanation:
          sharers === 0 ? `no other tenant uses sub_mchid ${t.subMchid}` : `${sharers} other tenant(s) use sub_mchid ${t.subMchid}`,
      },
      {
        rule: 'app_not_bound_to_tenant',
        holds: wrongApps.length === 0,
        explanation:
          wrongApps.length === 0
            ? `all ${bindings.length} bound AppIDs are the tenant's own, or the sp_appid in centralized mode`
            : `AppIDs out of place: ${wrongApps.join(', ')}`,
      },
      {
        rule: 'sp_appid_is_tenant_app',
        holds: ownIsSpAppid === 0 && centralIsOwnedElsewhere === 0,
        explanation:
          ownIsSpAppid === 0 && centralIsOwnedElsewhere === 0
            ? "no own AppID of this tenant is a provider's sp_appid, and its centralized sp_appid is no tenant's own AppID"
            : ownIsSpAppid
              ? "one of this tenant's own AppIDs is a service provider's sp_appid"
              : "this tenant's centralized sp_appid is another tenant's own AppID",
      },
      {
        rule: 'ratio_above_cap',
        holds: t.profitSharingMaxRatio <= 3000,
        explanation: `splits are capped at ${t.profitSharingMaxRatio / 100}% of an order (the sub-merchant's authorised ratio)`,
      },
      {
        rule: 'receiver_not_approved',
        holds: true,
        explanation: receivers.length
          ? `splits may go only to ${receivers.length} approved receiver(s)`
          : 'no receiver is approved, so no split can be made',
      },
    ];
  }
}

/** The approved receivers stored on a tenant row. */
export function approvedReceivers(t: Pick<TenantRow, 'profitSharingReceivers'>): Array<{ type: string; account: string }> {
  return JSON.parse(t.profitSharingReceivers || '[]') as Array<{ type: string; account: string }>;
}
