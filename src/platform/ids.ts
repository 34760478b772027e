import { randomBytes } from 'node:crypto';

/** An opaque, unguessable id with a type prefix: newId('ten') → "ten_3kTq9..." (128 bits of randomness). */
export function newId(prefix: string, bytes = 16): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
