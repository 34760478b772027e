import type { AuthorizeUrls } from './authorize-urls';

const BUTTON = 'display:inline-block;padding:.7rem 1.2rem;background:#07c160;color:#fff;border-radius:6px;text-decoration:none';
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, inner: string): string {
  return (
    `<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escape(title)}</title></head>` +
    '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem">' +
    `<h1 style="font-size:1.4rem">${escape(title)}</h1>${inner}</body></html>`
  );
}

/**
 * The page a shop owner opens from the console's QR code. WeChat opens its authorisation page only
 * when it is reached by a click from the platform's configured domain (it checks the Referer), so
 * the link is a plain anchor here, on PUBLIC_BASE_URL: inside WeChat the mobile page, elsewhere the
 * PC page (which shows its own QR code to scan). No script, nothing to submit.
 */
export function landingPage(link: AuthorizeUrls & { expired: boolean; completed: boolean }, inWechat: boolean): string {
  if (link.completed) return page('已授权 · Authorised', '<p>This link was used: the mini-program is authorised.</p>');
  if (link.expired)
    return page('链接已过期 · Link expired', '<p>This authorisation link has expired. Ask the service provider for a new one.</p>');
  const [primary, secondary] = inWechat
    ? [link.mobile_authorization_url, link.authorization_url]
    : [link.authorization_url, link.mobile_authorization_url];
  return page(
    '授权小程序 · Authorise your mini-program',
    `<p>Your service provider builds your mini-program on its WeChat open platform. Authorise it, and its buyers can log in and pay ` +
      `without your AppSecret ever leaving WeChat. The link expires at ${escape(link.expires_at)}.</p>` +
      `<p><a href="${escape(primary)}" style="${BUTTON}">授权 · Authorise</a></p>` +
      `<p><small><a href="${escape(secondary)}">${inWechat ? 'Open the PC page instead' : 'Inside WeChat? Use this link'}</a></small></p>`,
  );
}

/** What the owner's browser sees after WeChat's redirect. */
export function resultPage(ok: boolean, message: string): string {
  return ok ? page('授权成功 · Authorised', `<p>${escape(message)}</p>`) : page('授权未完成 · Not authorised', `<p>${escape(message)}</p>`);
}
