import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { AppError } from '../errors/errors';
import { TOKENS } from '../tokens';
import type { RateLimiter, RateLimitResult } from '../kv/kv';
import { dependencyDown } from '../errors/dependency-down';
import type { Config } from '../config/schema';

/**
 * Rate limit on failed authentications, counted per presented credential and client address
 * (config.security.authFailuresPerMinute), shared by the operator and tenant surfaces. Once one
 * credential from one address is over the limit, that pair is answered 429 until the window ends;
 * every other credential from the same address (a valid tenant behind the same proxy, the
 * operator) is untouched. An address spraying many different bad credentials is answered 429
 * for its failures once over ten times the limit, but a valid credential still passes: the keys
 * are 256-bit random, so there is nothing to guess, and one client must never lock out another.
 */
export class AuthFailureLimiter {
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly limiter: RateLimiter,
    private readonly perMinute: number,
  ) {}

  /** Throws 429 FREQUENCY_LIMITED when this credential from `ip` is currently blocked. */
  assertNotBlocked(ip: string, credential: string | undefined): void {
    const key = pairKey(ip, credential);
    const until = this.blockedUntil.get(key);
    if (until === undefined) return;
    const left = until - Date.now();
    if (left > 0) throw AppError.rateLimited(left / 1000, 'too many failed authentications with this credential');
    this.blockedUntil.delete(key);
  }

  /** Counts a failure of `credential` from `ip`; returns the error to answer: `error`, or 429 once over a limit. */
  async failure(ip: string, credential: string | undefined, error: AppError): Promise<AppError> {
    const key = pairKey(ip, credential);
    let pair: RateLimitResult;
    let address: RateLimitResult;
    try {
      pair = await this.limiter.hit(`authfail:${key}`, this.perMinute, 60_000);
      address = await this.limiter.hit(`authfail:ip:${ip}`, this.perMinute * 10, 60_000);
    } catch (err) {
      // Redis down: the failure is answered as what it is (401), uncounted. Keys are 256-bit random, so a
      // pause in counting gives a guesser nothing, and a client's mistake must not become a 503.
      if (dependencyDown(err)) return error;
      throw err;
    }
    if (pair.allowed && address.allowed) return error;
    const retryAfterMs = Math.max(pair.allowed ? 0 : pair.retryAfterMs, address.allowed ? 0 : address.retryAfterMs);
    if (!pair.allowed) {
      if (this.blockedUntil.size > 10_000) this.blockedUntil.clear();
      this.blockedUntil.set(key, Date.now() + pair.retryAfterMs);
    }
    return AppError.rateLimited(retryAfterMs / 1000, 'too many failed authentications');
  }
}

/** The counter key of one credential from one address; the credential only as a short hash (never stored or logged). */
function pairKey(ip: string, credential: string | undefined): string {
  const h = createHash('sha256')
    .update(credential ?? '(none)')
    .digest('base64url')
    .slice(0, 22);
  return `${ip}|${h}`;
}

const perContainer = new WeakMap<DependencyContainer, AuthFailureLimiter>();

/** The container's one AuthFailureLimiter. */
export function authFailures(c: DependencyContainer): AuthFailureLimiter {
  let l = perContainer.get(c);
  if (!l) {
    l = new AuthFailureLimiter(c.resolve<RateLimiter>(TOKENS.RateLimiter), c.resolve<Config>(TOKENS.Config).security.authFailuresPerMinute);
    perContainer.set(c, l);
  }
  return l;
}

/** The client address failures are counted against: the socket peer, or behind a trusted proxy (PARTNERPAY_TRUST_PROXY) the client's. */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** The bearer token of the Authorization header, or undefined. */
export function bearerToken(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}
