import type { ServiceProviderCredentials } from '@partnerpay/wxpay';
import type { TenantView } from '../tenancy';
import type { Em } from '../../platform/db/orm';
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

/** A verified, decrypted notification, ready for the module that owns its kind. */
export interface VerifiedNotification {
  tenant: TenantView;
  sp: ServiceProviderCredentials;
  envelope: NotificationEnvelope;
  /** The decrypted resource, parsed. */
  resource: Record<string, unknown>;
  /**
   * Runs the handler's state change and the notification-log row in ONE transaction (shared with
   * concurrent notifications: group commit), answering after it commits. `fn` must be re-runnable:
   * a failed group runs each member again alone. A handler that never calls it is logged after it answers.
   */
  commit(fn: (em: Em) => Promise<HandlerResult>): Promise<HandlerResult>;
}

/** What a handler did; `refused` means a cross-check failed and nothing changed (a security event). */
export type HandlerResult = { outcome: Exclude<NotificationOutcome, 'replayed' | 'error'>; detail?: Record<string, unknown> };

/** A module's code that applies one kind of notification (transactions, refunds) once. */
export interface NotificationHandler {
  kind: 'transactions' | 'refunds';
  handle(n: VerifiedNotification): Promise<HandlerResult>;
}
