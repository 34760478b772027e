import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { FieldIssue } from '../../platform/errors/errors';

/** scrypt cost (OWASP's minimum for scrypt: N=2^17 is its first choice; 2^15 with r=8 keeps a sign-in near 50 ms on a small host). */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LEN = 32;

/** The stated password rule, also shown in the API's error and the portal's form. */
export const PASSWORD_RULE = 'at least 12 characters (at most 128), at least 6 different characters, and not containing the login';

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LEN, opts, (e, k) => (e ? reject(e) : resolve(k))));
}

/** `scrypt$N$r$p$salt$hash` (base64url), memory-hard (node:crypto's scrypt). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches a stored hash (constant-time on the derived key). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** The rule's violations of `password` for `login`, as PARAM_ERROR field issues (empty when it holds). */
export function passwordIssues(password: string, login: string): FieldIssue[] {
  const problems: string[] = [];
  if (password.length < 12 || password.length > 128) problems.push('must be 12 to 128 characters');
  if (new Set(password).size < 6) problems.push('must use at least 6 different characters');
  if (login && password.toLowerCase().includes(login.toLowerCase())) problems.push('must not contain the login');
  return problems.length ? [{ field: 'password', issue: `${problems.join('; ')} (rule: ${PASSWORD_RULE})` }] : [];
}
