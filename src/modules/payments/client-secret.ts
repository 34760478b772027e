import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { SecretBox } from '../../platform/secrets/secret-box';
import type { PaymentOrderRow } from './order.entity';

/** `ord_<order id part>_secret_<32 base64url characters = 192 random bits>`. */
export const CLIENT_SECRET = /^(ord_[A-Za-z0-9_-]{16,40})_secret_[A-Za-z0-9_-]{32}$/;

const purpose = (orderId: string) => `payment_order:${orderId}:client_secret`;
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * An order's client_secret: what a mini-program presents instead of a tenant key. The contract shows
 * it to the tenant on every read, so it is stored sealed (SecretBox, bound to the order id) rather
 * than hashed; the database alone cannot replay it. Compared in constant time.
 */
@injectable()
export class ClientSecrets {
  constructor(@inject(SecretBox) private readonly box: SecretBox) {}

  /** A new secret for order `orderId`, sealed for storage. */
  async seal(orderId: string): Promise<string> {
    return this.box.seal(`${orderId}_secret_${randomBytes(24).toString('base64url')}`, purpose(orderId));
  }

  /** The clear secret, for the tenant's reads. */
  async reveal(order: Pick<PaymentOrderRow, 'id' | 'clientSecret'>): Promise<string | null> {
    return order.clientSecret ? this.box.open(order.clientSecret, purpose(order.id)) : null;
  }

  /** True when `presented` is the order's secret (equal-length digests, constant-time compare). */
  async matches(order: Pick<PaymentOrderRow, 'id' | 'clientSecret'>, presented: string): Promise<boolean> {
    const actual = await this.reveal(order);
    if (actual === null) return false;
    return timingSafeEqual(digest(actual), digest(presented));
  }
}
