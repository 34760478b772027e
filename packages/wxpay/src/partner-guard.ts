import { WxpayRefusedCallError } from './errors';

/** The 二清 rule this guard enforces; the compliance module lists it by this name. */
export const PARTNER_ENDPOINTS_ONLY_RULE = 'partner_endpoints_only';

/**
 * Direct-merchant (普通商户) payment endpoints. Called with the service provider's mchid they would
 * collect a tenant's buyers' money into the ISV's own account and pay it out later: unlicensed
 * secondary clearing (二清). Partner endpoints (`/v3/pay/partner/...`) send it straight to the sub-merchant.
 */
const FORBIDDEN_PREFIXES = ['/v3/pay/transactions/', '/v3/pay/transactions?'];

/**
 * Refuses a path that is a direct-merchant payment endpoint, before any network I/O:
 * 422 SECONDARY_CLEARING_FORBIDDEN with detail.rule = 'partner_endpoints_only'. Also refuses paths
 * that are not plain `/v3/...` paths (dot segments, double slashes, encoded dots), so the
 * prefix check cannot be walked around.
 */
export function assertPartnerEndpoint(path: string): void {
  const p = decodedPath(path);
  if (p === undefined || !p.startsWith('/v3/') || p.includes('//') || p.includes('\\') || /(^|\/)\.\.?(\/|\?|$)/.test(p)) {
    throw new WxpayRefusedCallError(`refusing a malformed WeChat Pay path: ${path.slice(0, 80)}`);
  }
  if (p === '/v3/pay/transactions' || FORBIDDEN_PREFIXES.some((f) => p.startsWith(f))) {
    throw new WxpayRefusedCallError(
      "partnerpay only calls partner (服务商) endpoints: a direct-merchant payment endpoint would collect the tenant's money into " +
        "the service provider's own account (二清, unlicensed secondary clearing); use /v3/pay/partner/transactions/...",
      PARTNER_ENDPOINTS_ONLY_RULE,
      path.split('?')[0],
    );
  }
}

/**
 * The path part lower-cased with its percent-escapes decoded until nothing changes (at most 3
 * rounds: `%2574` is `%74` is `t`), so `/v3/pay/%74ransactions` matches what a server would route;
 * undefined when an escape is malformed or the path keeps decoding.
 */
function decodedPath(path: string): string | undefined {
  const q = path.indexOf('?');
  let p = (q < 0 ? path : path.slice(0, q)).toLowerCase();
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(p).toLowerCase();
    } catch {
      return undefined;
    }
    if (next === p) return q < 0 ? p : p + path.slice(q);
    p = next;
  }
  return undefined;
}
