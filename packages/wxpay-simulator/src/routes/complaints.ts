import type { ApiRoutes } from '../http';
import type { SimComplaints } from '../complaints';

const base = '/v3/merchant-service/complaints-v2';

/** Consumer complaints 2.0 endpoints (spec addendum §4.2): list, detail, history, the three writes (204), images, notification URL. */
export function registerComplaintRoutes(api: ApiRoutes, complaints: SimComplaints): void {
  api.route('get', base, ({ provider, query }) => ({ status: 200, body: complaints.list(provider, query) }));
  api.route('get', `${base}/:complaint_id`, ({ provider, params }) => ({
    status: 200,
    body: complaints.detail(provider, params.complaint_id),
  }));
  api.route('get', `${base}/:complaint_id/negotiation-historys`, ({ provider, params, query }) => ({
    status: 200,
    body: complaints.history(provider, params.complaint_id, query),
  }));
  api.route('post', `${base}/:complaint_id/response`, async ({ provider, params, body }) => {
    await complaints.respond(provider, params.complaint_id, body);
    return { status: 204 };
  });
  api.route('post', `${base}/:complaint_id/complete`, async ({ provider, params, body }) => {
    await complaints.complete(provider, params.complaint_id, body);
    return { status: 204 };
  });
  api.route('post', `${base}/:complaint_id/update-refund-progress`, async ({ provider, params, body }) => {
    await complaints.refundDecision(provider, params.complaint_id, body);
    return { status: 204 };
  });
  api.route(
    'post',
    '/v3/merchant-service/images/upload',
    ({ provider, body, upload }) => ({ status: 200, body: complaints.upload(provider, body, upload!.file, upload!.contentType) }),
    { multipart: true },
  );
  api.route('get', '/v3/merchant-service/images/:media_id', ({ provider, params }) => {
    const img = complaints.image(provider, params.media_id);
    return { status: 200, raw: img.bytes, contentType: img.contentType };
  });
  for (const method of ['post', 'get', 'put', 'delete'] as const) {
    api.route(method, '/v3/merchant-service/complaint-notifications', ({ provider, body }) => {
      const out = complaints.notificationUrl(provider, method, body);
      return out ? { status: 200, body: out } : { status: 204 };
    });
  }
}
