import type { ApiRoutes } from '../http';
import type { SimOnboarding } from '../onboarding';
import { WxError } from '../errors';

/** Onboarding endpoints (spec addendum §1): media upload, applyment submit and queries, settlement accounts. */
export function registerOnboardingRoutes(api: ApiRoutes, onboarding: SimOnboarding): void {
  api.route(
    'post',
    '/v3/merchant/media/upload',
    ({ provider, body, upload }) => ({ status: 200, body: onboarding.upload(provider, body, upload!.file, upload!.order) }),
    { multipart: true },
  );
  api.route('post', '/v3/applyment4sub/applyment/', ({ provider, body, req }) => ({
    status: 200,
    body: onboarding.submit(provider, req.get('wechatpay-serial'), body),
  }));
  api.route('get', '/v3/applyment4sub/applyment/business_code/:business_code', ({ provider, params }) => ({
    status: 200,
    body: onboarding.view(onboarding.find(provider.sp_mchid, { business_code: params.business_code })),
  }));
  api.route('get', '/v3/applyment4sub/applyment/applyment_id/:applyment_id', ({ provider, params }) => {
    if (!/^\d{1,20}$/.test(params.applyment_id)) throw WxError.param('applyment_id', '必须为整数', 'path');
    return { status: 200, body: onboarding.view(onboarding.find(provider.sp_mchid, { applyment_id: Number(params.applyment_id) })) };
  });
  api.route('get', '/v3/apply4sub/sub_merchants/:sub_mchid/settlement', ({ provider, params }) => ({
    status: 200,
    body: onboarding.settlement(provider.sp_mchid, params.sub_mchid),
  }));
  api.route('post', '/v3/apply4sub/sub_merchants/:sub_mchid/modify-settlement', ({ provider, params, body, req }) => ({
    status: 200,
    body: onboarding.modify(provider, params.sub_mchid, req.get('wechatpay-serial'), body),
  }));
  api.route('get', '/v3/apply4sub/sub_merchants/:sub_mchid/application/:application_no', ({ provider, params }) => ({
    status: 200,
    body: onboarding.application(provider.sp_mchid, params.sub_mchid, params.application_no),
  }));
}
