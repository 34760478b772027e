import type { Request } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { AppError } from '../errors';
import { TOKENS } from '../tokens';
import type { RateLimiter } from '../kv/kv';
import type { Config } from '../../config/schema';

/**
 * Rate limit on failed authentications per client IP (config.security.authFailuresPerMinute), shared
 * by the operator and tenant surfaces. Failures are counted in the shared RateLimiter; once an IP is
 * over the limit this process refuses *every* request from it with 429 until the window ends, valid
 * credentials included, so a guesser cannot tell a right guess (200) from a wrong one (429).
 */
export class AuthFailureLimiter {
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly limiter: RateLimiter,
    private readonly perMinute: number,
  ) {}

  /** Throws 429 FREQUENCY_LIMITED when `ip` is currently blocked. */
  assertNotBlocked(ip: string): void {
    const until = this.blockedUntil.get(ip);
    if (until === undefined) return;
    const left = until - Date.now();
    if (left > 0) throw AppError.rateLimited(left / 1000, 'too many failed authentications');
    this.blockedUntil.delete(ip);
  }

  /** Counts a failure from `ip`; returns the error to answer: `error`, or 429 once over the limit. */
  async failure(ip: string, error: AppError): Promise<AppError> {
    const r = await this.limiter.hit(`authfail:${ip}`, this.perMinute, 60_000);
    if (r.allowed) return error;
    if (this.blockedUntil.size > 10_000) this.blockedUntil.clear();
    this.blockedUntil.set(ip, Date.now() + r.retryAfterMs);
    return AppError.rateLimited(r.retryAfterMs / 1000, 'too many failed authentications');
  }
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

/** The client address failures are counted against (the socket peer; configure express "trust proxy" behind a proxy). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** The bearer token of the Authorization header, or undefined. */
export function bearerToken(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}
