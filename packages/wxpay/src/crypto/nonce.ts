import { randomBytes } from 'node:crypto';

// Random bytes drawn 4 KiB at a time from the CSPRNG (each byte used once), as crypto.randomUUID
// does: a randomBytes call per nonce costs more than the nonce (two nonces per order).
let pool = Buffer.alloc(0);
let offset = 0;

function randomPool(n: number): Buffer {
  if (offset + n > pool.length) {
    pool = randomBytes(Math.max(4096, n));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random string of `length` chars from [0-9A-Za-z] (the SDKs use 32). nonce() → "593BEC0C930BF1AFEB40B4A08C8FB242"-like. */
export function nonce(length = 32): string {
  const bytes = randomPool(length);
  let out = '';
  // 62 does not divide 256: the bias (256 % 62 = 8 of 256) is irrelevant for a nonce, which needs only uniqueness.
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % 62];
  return out;
}
