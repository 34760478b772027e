import type { ServiceProviderCredentials } from '../wxpay/credentials';
import type { TenantView } from '../tenancy/tenant-directory';
import type { NotificationOutcome } from './notification.entity';

/** The envelope of a WeChat Pay notification (spec §7). */
export interface NotificationEnvelope {
  id: string;
  create_time?: string;
  event_type: string;
  resource_type?: string;
  summary?: string;
  resource: { algorithm: string; ciphertext: string; associated_data?: string; nonce: string; original_type?: string };
}

/** A verified, decrypted notification, ready for the feature that owns its kind. */
export interface VerifiedNotification {
  tenant: TenantView;
  sp: ServiceProviderCredentials;
  envelope: NotificationEnvelope;
  /** The decrypted resource, parsed. */
  resource: Record<string, unknown>;
}

/** What a handler did; `refused` means a cross-check failed and nothing changed (a security event). */
export type HandlerResult = { outcome: Exclude<NotificationOutcome, 'replayed' | 'error'>; detail?: Record<string, unknown> };

/** A feature's code that applies one kind of notification (transactions, refunds) once. */
export interface NotificationHandler {
  kind: 'transactions' | 'refunds';
  handle(n: VerifiedNotification): Promise<HandlerResult>;
}
