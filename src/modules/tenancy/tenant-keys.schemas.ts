import { z } from 'zod';
import { DEFAULT_WEBHOOK_GRACE_SECONDS } from './tenant-keys.service';

/** A tenant's secret key as listed: never the key itself (operators' and the portal owner's views alike). */
export const secretKeySchema = z
  .object({
    id: z.string(),
    prefix: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .meta({ id: 'TenantSecretKey', description: "A tenant's secret key, without the key itself" });

/** The body of a webhook secret rotation: how long the previous secret keeps signing. */
export const webhookRotateBody = z
  .object({
    previous_expires_in_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(DEFAULT_WEBHOOK_GRACE_SECONDS),
  })
  .strict();

/** A new webhook secret, answered this once. */
export const webhookSecretSchema = z.object({
  id: z.string(),
  webhook_secret: z.string(),
  created_at: z.string(),
  previous_expires_at: z.string(),
});
