import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every answer, pages and API alike (helmet): a Content-Security-Policy that lets
 * the console and portal load only their own scripts (antd writes its styles inline, hence
 * 'unsafe-inline' for styles only), frame-ancestors 'none' and X-Frame-Options DENY (no page can be
 * framed, so no clickjacking), X-Content-Type-Options nosniff, no Referer off the origin. HSTS only
 * in production: the demo runs on plain http, where a browser would ignore it anyway. No
 * upgrade-insecure-requests and no form-action: the demo is http, and the simulator's authorisation
 * form redirects on to the open platform's callback.
 */
export function securityHeaders(production: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: production ? { maxAge: 15_552_000, includeSubDomains: false } : false,
  });
}
