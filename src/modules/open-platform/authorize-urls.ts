import { rfc3339 } from '../../platform/clock';

/** An authorisation link: the page the shop owner opens (a QR code in the console), and WeChat's own pages behind it. */
export interface AuthorizeUrls {
  /**
   * partnerpay's landing page: WeChat opens its authorisation page only on a click from the platform's
   * own domain (it checks the Referer), which a scanned QR code does not send.
   */
  url: string;
  expires_at: string;
  /** WeChat's PC page (componentloginpage): the owner scans the QR code it shows. */
  authorization_url: string;
  /** WeChat's page inside WeChat itself (bindcomponent). */
  mobile_authorization_url: string;
}

/**
 * The URLs of one link (spec wave3 §1.6). auth_type=2 shows mini-programs only; the redirect carries
 * the link id (extra query parameters of redirect_uri survive), which ties the auth_code to the tenant.
 */
export function authorizeUrls(p: {
  publicBaseUrl: string;
  mpBaseUrl: string;
  componentAppid: string;
  linkId: string;
  preAuthCode: string;
  expiresAt: number;
}): AuthorizeUrls {
  const base = p.publicBaseUrl.replace(/\/+$/, '');
  const mp = p.mpBaseUrl.replace(/\/+$/, '');
  const query = new URLSearchParams({
    component_appid: p.componentAppid,
    pre_auth_code: p.preAuthCode,
    redirect_uri: `${base}/open-platform/${p.componentAppid}/authorized?link=${p.linkId}`,
    auth_type: '2',
  });
  return {
    url: `${base}/open-platform/${p.componentAppid}/authorize/${p.linkId}`,
    expires_at: rfc3339(p.expiresAt),
    authorization_url: `${mp}/cgi-bin/componentloginpage?${query}`,
    mobile_authorization_url: `${mp}/safe/bindcomponent?action=bindcomponent&no_scan=1&${query}#wechat_redirect`,
  };
}
