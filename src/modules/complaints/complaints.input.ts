import { z } from 'zod';
import { pageQuery } from '../../platform/http/paging';

/** WeChat Pay's complaint ids are digits (27 today); a little room for other shapes, never a path trick. */
export const complaintIdParams = z.object({
  complaint_id: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be a WeChat Pay complaint_id'),
});

const mediaIds = z.array(z.string().regex(/^[0-9A-Za-z_=+/.-]{1,512}$/, 'must be a media_id from POST /v1/complaints/media')).max(4);

/** POST /v1/complaints/{id}/responses (spec addendum §4.5: response_content ≤ 200 characters, ≤ 4 images). */
export const responseBody = z.strictObject({
  response_content: z
    .string()
    .trim()
    .min(1, 'must not be empty: write what you tell the buyer')
    .max(200, 'must be at most 200 characters (WeChat Pay limit)'),
  response_images: mediaIds.optional(),
});

/** POST /v1/complaints/{id}/refund-decision. */
export const refundDecisionBody = z
  .strictObject({
    action: z.enum(['APPROVE', 'REJECT']),
    launch_refund_day: z.number().int().min(0).max(30).optional(),
    reject_reason: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
    reject_media_list: mediaIds.optional(),
    remark: z.string().max(200, 'must be at most 200 characters').optional(),
  })
  .refine((b) => b.action !== 'REJECT' || b.reject_reason, { path: ['reject_reason'], message: 'is required with action REJECT' });

/** GET /v1/complaints. */
export const tenantListQuery = pageQuery.extend({
  state: z
    .string()
    .regex(/^[A-Z_]{1,32}$/)
    .optional(),
});

/** GET /admin/v1/complaints (`tenant_id=none`: complaints of sub-merchants partnerpay does not know). */
export const adminListQuery = tenantListQuery.extend({
  tenant_id: z.string().max(64).optional(),
  overdue: z.enum(['true', 'false']).optional(),
});

/** POST|PUT /admin/v1/service-providers/{sp_mchid}/complaint-notifications. */
export const notificationUrlBody = z.strictObject({
  url: z
    .string()
    .url()
    .max(256)
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .optional()
    .describe('default: PUBLIC_BASE_URL + /notify/sp/{sp_mchid}/complaints'),
});
