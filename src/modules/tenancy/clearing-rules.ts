/**
 * The 二清 (secondary clearing) rules partnerpay enforces, and the dev-mode x payment-mode matrix
 * (spec §13). 二清: a platform without a clearing licence collects buyers' money for other merchants'
 * sales into its own account and pays them out later. partnerpay never does: every tenant is a
 * sub-merchant (sub_mchid) of a service provider and WeChat Pay settles straight to it.
 */
export type ClearingRule =
  | 'isv_collects_own_account'
  | 'partner_endpoints_only'
  | 'shared_sub_mchid'
  | 'app_not_bound_to_tenant'
  | 'sp_appid_is_tenant_app'
  | 'ratio_above_cap'
  | 'receiver_not_approved'
  | 'settlement_account_not_owned'
  | 'tenant_of_another_provider';

export interface RuleInfo {
  rule: ClearingRule;
  title: string;
  why: string;
  enforced_at: string;
}

export const RULES: RuleInfo[] = [
  {
    rule: 'isv_collects_own_account',
    title: 'A tenant is never the service provider itself',
    why:
      "A tenant whose sub_mchid is a service provider's own sp_mchid would make the ISV's account collect buyers' money for " +
      'its merchants: that is 二清. In ordinary service-provider mode the sp_mchid cannot collect at all; money must settle to ' +
      'each sub-merchant.',
    enforced_at: 'tenant creation and update, service-provider PUT, and every order before it reaches WeChat Pay',
  },
  {
    rule: 'partner_endpoints_only',
    title: "Tenant orders use only WeChat Pay's partner endpoints",
    why:
      'Orders go to /v3/pay/partner/transactions/* with sp_mchid + sub_mchid, so WeChat Pay settles to the sub-merchant. The ' +
      "direct-merchant /v3/pay/transactions/* endpoints would collect into the caller's own mchid; the WeChat Pay client " +
      'refuses them for tenant orders.',
    enforced_at: 'the WeChat Pay client (src/wxpay), on every call',
  },
  {
    rule: 'shared_sub_mchid',
    title: 'One sub_mchid is one tenant',
    why:
      "Two tenants sharing a sub_mchid would pool two businesses' takings in one settlement account, and one of them would " +
      'have to be paid out by the other: clearing between merchants.',
    enforced_at: 'tenant creation (and a unique index on tenant.sub_mchid)',
  },
  {
    rule: 'app_not_bound_to_tenant',
    title: "An order uses the tenant's own AppID, or the ISV's sp_appid in centralized mode",
    why:
      "An AppID belongs to one sub-merchant; paying through another tenant's AppID would move one merchant's buyers to " +
      "another's account. Only the ISV's own sp_appid (centralized mode, payer.sp_openid) is shared, and money still settles " +
      "to each order's sub_mchid.",
    enforced_at: 'app binding (unique index) and every order before it reaches WeChat Pay',
  },
  {
    rule: 'sp_appid_is_tenant_app',
    title: "A service provider's sp_appid is never a tenant's own AppID",
    why:
      "If a provider's sp_appid were a sub-merchant's own AppID, that AppID would serve two tenants of two providers " +
      "(its owner, and every centralized tenant of that provider): one merchant's buyers paying into other merchants' accounts. " +
      "The reverse (binding a provider's sp_appid as a tenant's own app) is refused too.",
    enforced_at: 'service-provider PUT, app binding, and the per-tenant compliance check',
  },
  {
    rule: 'ratio_above_cap',
    title: 'Profit sharing stays within the ratio the sub-merchant authorised',
    why:
      '分账 is the sanctioned way for the ISV to take a cut, but only up to the max_ratio the sub-merchant authorised ' +
      "(default, and WeChat Pay's cap, 30%). Taking more would be holding the merchant's money.",
    enforced_at: 'every profit-sharing split (POST /v1/profit-sharing/orders), before WeChat Pay is called, under the payment row lock',
  },
  {
    rule: 'receiver_not_approved',
    title: 'Profit sharing goes only to receivers approved for that tenant',
    why:
      "Splitting to a receiver the tenant never approved would pay the merchant's money to a third party on the platform's " +
      'say-so: clearing.',
    enforced_at: 'every profit-sharing split (POST /v1/profit-sharing/orders), before WeChat Pay is called, under the payment row lock',
  },
  {
    rule: 'settlement_account_not_owned',
    title: 'A sub-merchant settles only to its own account',
    why:
      "WeChat Pay pays a sub-merchant's takings to the settlement account of its application. An account of the ISV " +
      'or of a third party would let someone other than the merchant receive and pay out its money: 二清. An ' +
      'enterprise, institution, government body or other organisation settles to a corporate account named as the ' +
      'subject; an individual business (个体户) to a corporate account in its name or a personal account in its legal ' +
      "person's name (who must also be the holder of the legal person's identity document in the application). The " +
      'subject is the one the applyment declares: a resubmit cannot rename it, and a settlement change for a tenant ' +
      'onboarded through partnerpay is checked against its stored application, never against a subject sent in the ' +
      'same request (a different one is refused). Only a tenant not onboarded through partnerpay has its subject ' +
      'declared by the operator in the change request; that declaration is audited.',
    enforced_at: 'every applyment submit and resubmit, and every settlement-account change, before any call to WeChat Pay',
  },
  {
    rule: 'tenant_of_another_provider',
    title: "A combined order (合单) holds only the placing provider's own tenants",
    why:
      'A 合单 is placed by one service provider (combine_mchid) for sub-orders that each settle to their sub-merchant. A ' +
      "sub-order for another provider's merchant, or for the provider's own mchid, would route money through an account " +
      'that has no business holding it: 二清.',
    enforced_at: 'every combined order, before any call to WeChat Pay',
  },
];

export type Verdict = 'served' | 'forbidden' | 'not_served';

export interface MatrixCell {
  dev_mode: 'centralized' | 'outsourced' | 'third_party';
  payment_mode: 'ordinary_merchant' | 'ordinary_service_provider' | 'bank_service_provider';
  verdict: Verdict;
  why: string;
}

/** Spec §13.2, derived from WeChat Pay's fund-flow rules (the official table itself is unconfirmed). */
export const MATRIX: MatrixCell[] = [
  {
    dev_mode: 'centralized',
    payment_mode: 'ordinary_merchant',
    verdict: 'forbidden',
    why: "The ISV's own mini-program with the ISV's own mchid collects for many merchants: 二清.",
  },
  {
    dev_mode: 'centralized',
    payment_mode: 'ordinary_service_provider',
    verdict: 'served',
    why: "The ISV's sp_appid serves the tenant (payer.sp_openid); each order carries the tenant's sub_mchid, which receives the money.",
  },
  {
    dev_mode: 'centralized',
    payment_mode: 'bank_service_provider',
    verdict: 'not_served',
    why:
      'Allowed by WeChat Pay (the bank clears), but partnerpay is an ordinary service provider platform and does not ' +
      'implement bank/channel flows.',
  },
  {
    dev_mode: 'outsourced',
    payment_mode: 'ordinary_merchant',
    verdict: 'not_served',
    why:
      "Allowed when the mchid is the merchant's own, but that is a direct-merchant integration; " +
      'partnerpay calls only partner endpoints.',
  },
  {
    dev_mode: 'outsourced',
    payment_mode: 'ordinary_service_provider',
    verdict: 'served',
    why: "The tenant's own AppID is the sub_appid (payer.sub_openid), bound to its sub_mchid; money settles to the sub-merchant.",
  },
  {
    dev_mode: 'outsourced',
    payment_mode: 'bank_service_provider',
    verdict: 'not_served',
    why: 'Allowed by WeChat Pay; not implemented by partnerpay (ordinary service provider only).',
  },
  {
    dev_mode: 'third_party',
    payment_mode: 'ordinary_merchant',
    verdict: 'not_served',
    why:
      "Allowed when the mchid is the merchant's own, but that is a direct-merchant integration; " +
      'partnerpay calls only partner endpoints.',
  },
  {
    dev_mode: 'third_party',
    payment_mode: 'ordinary_service_provider',
    verdict: 'served',
    why: "The merchant's AppID, authorised to the ISV's open-platform account, is the sub_appid; money settles to the sub-merchant.",
  },
  {
    dev_mode: 'third_party',
    payment_mode: 'bank_service_provider',
    verdict: 'not_served',
    why: 'Allowed by WeChat Pay; not implemented by partnerpay (ordinary service provider only).',
  },
];

/** The answer of GET /admin/v1/compliance. */
export function complianceCatalogue() {
  return {
    summary:
      'partnerpay runs WeChat Pay ordinary service-provider (普通服务商) mode only: every tenant is a sub-merchant whose money ' +
      'WeChat Pay settles directly to its own account; the platform never holds, pools or pays out funds. Its cut, if any, ' +
      'goes through profit sharing (分账) within the ratio the sub-merchant authorised.',
    rules: RULES,
    matrix: {
      dev_modes: {
        centralized: "中心化: the ISV's own app (sp_appid) serves many sub-merchants",
        outsourced: "外包: the sub-merchant's own AppID, developed by the ISV",
        third_party: "第三方: the sub-merchant's AppID authorised to the ISV's open-platform account",
      },
      payment_modes: {
        ordinary_merchant: "普通商户: the app owner's own mchid",
        ordinary_service_provider: '普通服务商: service provider + sub_mchid (what partnerpay does)',
        bank_service_provider: '银行服务商/渠道商: a licensed bank clears to merchants',
      },
      cells: MATRIX,
      note:
        "Derived from the fund-flow rules in WeChat Pay's documentation; WeChat Pay's own verdict table could not be read, " +
        'so only the 二清 cell is certain.',
    },
  };
}
