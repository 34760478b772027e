import type { WxpaySimulator } from './simulator';

/** The part of a tenant definition (tenants/*.json) the simulator needs. */
export interface SimulatorTenant {
  sp_mchid: string;
  sub_mchid: string;
  apps: Array<{ appid: string; dev_mode: string }>;
}

/**
 * Registers a tenant's sub-merchant with its bound sub_appids. Centralized apps (中心化: the
 * provider's own mini-program) are ordered with the sp_appid, so they are not bound to the
 * sub_mchid. The provider must already be registered (registerServiceProvider).
 */
export function registerTenantInSimulator(
  sim: WxpaySimulator,
  t: SimulatorTenant,
): { sp_mchid: string; sub_mchid: string; appids: string[] } {
  const appids = t.apps.filter((a) => a.dev_mode !== 'centralized').map((a) => a.appid);
  return sim.registerSubMerchant({ sp_mchid: t.sp_mchid, sub_mchid: t.sub_mchid, appids });
}
