import type { Request, Response } from 'express';
import { ControlError } from '../errors';
import type { ComponentSimulator } from './component-sim';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, inner: string): { status: number; html: string } {
  return {
    status,
    html:
      `<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${escape(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:2rem auto">` +
      `<h1>${escape(title)}</h1>${inner}<p><small>wxpay-simulator: a stand-in for WeChat's authorisation page</small></p></body></html>`,
  };
}

/**
 * The authorisation page (mp.weixin.qq.com/cgi-bin/componentloginpage and /safe/bindcomponent): with
 * `biz_appid` the owner of that mini-program confirms at once (push, then a 302 to redirect_uri with
 * auth_code and expires_in); without it, a form asks which mini-program authorises (the owner's scan).
 */
export function authorizationPage(sim: ComponentSimulator) {
  return (req: Request, res: Response): void => {
    const q = req.query as Record<string, unknown>;
    const text = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '');
    void (async () => {
      const redirectUri = text('redirect_uri');
      if (!text('pre_auth_code') || !/^https?:\/\//.test(redirectUri)) {
        const p = page(400, '授权链接无效', '<p>pre_auth_code and an http(s) redirect_uri are required.</p>');
        return void res.status(p.status).type('html').send(p.html);
      }
      if (!text('biz_appid')) {
        const hidden = ['component_appid', 'pre_auth_code', 'redirect_uri', 'auth_type']
          .filter((k) => text(k))
          .map((k) => `<input type="hidden" name="${k}" value="${escape(text(k))}">`)
          .join('');
        const p = page(
          200,
          '授权给第三方平台',
          `<p>Component ${escape(text('component_appid'))} asks to manage your mini-program.</p>` +
            `<form method="get">${hidden}<label>Mini-program AppID <input name="biz_appid" pattern="wx[0-9a-z]{16}" required></label> ` +
            `<button type="submit">授权 (authorise)</button></form>`,
        );
        return void res.status(p.status).type('html').send(p.html);
      }
      try {
        const done = await sim.authorize(
          { pre_auth_code: text('pre_auth_code'), authorizer_appid: text('biz_appid'), redirect: false },
          redirectUri,
        );
        res.redirect(302, String(done.redirect_url));
      } catch (e) {
        const p = page(
          400,
          '授权失败',
          `<p>${escape(e instanceof ControlError ? e.message : 'the authorisation could not be completed')}</p>`,
        );
        res.status(p.status).type('html').send(p.html);
      }
    })();
  };
}
