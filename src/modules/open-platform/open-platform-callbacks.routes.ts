import express, { type Request } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { knownAppError } from '../../platform/errors/errors';
import { AuthorizationsService } from './authorizations.service';
import { PushReceiver } from './push-receiver';
import { authorizationSchema, authorizedQuery, componentAppid, pushQuery } from './open-platform.schemas';
import { landingPage, resultPage } from './landing-page';

const params = z.object({ component_appid: componentAppid });
/** A browser (it asks for HTML first) gets a page; an API client gets JSON. */
const wantsHtml = (req: Request) => req.accepts(['json', 'html']) === 'html';

/** WeChat's ways in: the pushes to the 授权事件接收URL, the redirect after authorisation, and the owner's landing page. */
export function openPlatformCallbacksRouter(c: DependencyContainer): ApiRouter {
  const receiver = c.resolve(PushReceiver);
  const authorizations = c.resolve(AuthorizationsService);
  const tags = ['open platform (WeChat)'];
  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/open-platform/:component_appid/events',
        errors: ['CONFLICT'],
        summary: 'WeChat open platform push (component_verify_ticket, authorized, updateauthorized, unauthorized): XML, WXBizMsgCrypt',
        tags,
        auth: 'wechat',
        params,
        query: pushQuery,
        rawBody: { contentType: 'text/xml', description: 'The XML push, its Encrypt element under WXBizMsgCrypt' },
        responses: {
          200: { description: 'the plain text `success`: verified, decrypted and stored', contentType: 'text/plain' },
          400: { description: 'refused (signature, decryption, AppID, timestamp): nothing stored; detail.wxbizmsgcrypt holds the code' },
          404: { description: 'the component AppID is not registered' },
        },
      },
      express.raw({ type: () => true, limit: '64kb' }),
      async ({ params: p, query, req, res }) => {
        await receiver.receive(p.component_appid, query, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.id);
        res.status(200).type('text/plain').send('success');
      },
    )
    .route(
      {
        method: 'get',
        path: '/open-platform/:component_appid/authorized',
        errors: ['CONFLICT', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
        summary: "WeChat's redirect after the owner authorised: exchanges auth_code and binds the mini-program to the link's tenant",
        tags,
        auth: 'none',
        params,
        query: authorizedQuery,
        responses: {
          200: {
            description: 'the authorisation (HTML for a browser)',
            schema: z.object({ authorization: authorizationSchema }),
            contentType: 'text/html',
          },
        },
        errorContentTypes: ['text/html'],
      },
      async ({ params: p, query, req, res }) => {
        try {
          const authorization = await authorizations.completeRedirect(p.component_appid, query.link, query.auth_code, req.id);
          if (!wantsHtml(req)) return { authorization };
          res.type('html').send(resultPage(true, `Mini-program ${authorization.authorizer_appid} is authorised. You may close this page.`));
        } catch (err) {
          const known = knownAppError(err);
          if (!wantsHtml(req) || !known || known.status >= 500) throw err;
          res.status(known.status).type('html').send(resultPage(false, known.message));
        }
      },
    )
    .route(
      {
        method: 'get',
        path: '/open-platform/:component_appid/authorize/:link_id',
        errors: ['CONFLICT'],
        summary: "The shop owner's landing page of an authorisation link (HTML): a click from here opens WeChat's authorisation page",
        tags,
        auth: 'none',
        params: params.extend({ link_id: z.string().regex(/^opl_[A-Za-z0-9_-]{10,40}$/, 'must be an authorisation link id') }),
        responses: { 200: { description: 'an HTML page', contentType: 'text/html', headers: ['Cache-Control'] } },
      },
      async ({ params: p, req, res }) => {
        const link = await authorizations.link(p.component_appid, p.link_id);
        res.setHeader('Cache-Control', 'no-store');
        res.type('html').send(landingPage(link, /MicroMessenger/i.test(req.get('user-agent') ?? '')));
      },
    );
}
