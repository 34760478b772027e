import pino, { type Logger } from 'pino';
import { currentLogContext } from './log-context';

export type { Logger };

/** Keys whose values are secrets wherever they appear. */
export const SECRET_KEYS = [
  'authorization',
  'merchant_private_key',
  'apiv3_key',
  'secret_key',
  'webhook_secret',
  'token',
  'password',
  'master_key',
  'masterKey',
  'adminToken',
  'privateKey',
  'private_key',
  'apiV3Key',
  'wechatpay_public_key',
  'app_secret',
  'sp_app_secret',
  'client_secret',
  'session_key',
  'js_code',
  'component_appsecret',
  'encoding_aes_key',
  'component_verify_ticket',
  'component_access_token',
  'authorizer_access_token',
  'authorizer_refresh_token',
  'auth_code',
  'authorization_code',
];

const PEM = /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
const TENANT_SECRET = /\b(sk|whsec|op)_[A-Za-z0-9_-]{16,}/g;
// An order's client_secret (ord_<id>_secret_<random>): the order id may show, the random part never.
const CLIENT_SECRET = /(_secret_)[A-Za-z0-9_-]{8,}/g;
// What every pattern above needs somewhere in the string: most logged strings (ids, routes, methods) have none of it,
// and one test is cheaper than four replaces.
const MAYBE_SECRET = /-----BEGIN|Bearer\s|(?:sk|whsec|op)_|_secret_/;
const SECRET_KEY_SET = new Set(SECRET_KEYS);

/** Masks PEM blocks, bearer tokens and our secret-key formats (client secrets included) inside any string. */
export function scrubString(s: string): string {
  if (!MAYBE_SECRET.test(s)) return s;
  return s
    .replace(PEM, '[REDACTED PEM]')
    .replace(BEARER, '$1[REDACTED]')
    .replace(TENANT_SECRET, '$1_[REDACTED]')
    .replace(CLIENT_SECRET, '$1[REDACTED]');
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (!value || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error)
    return {
      type: value.name,
      message: scrubString(value.message),
      stack: value.stack ? scrubString(value.stack) : undefined,
      code: (value as { code?: unknown }).code,
    };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const v = (value as Record<string, unknown>)[k];
    out[k] = SECRET_KEY_SET.has(k) ? '[REDACTED]' : typeof v === 'string' ? scrubString(v) : scrub(v, depth + 1);
  }
  return out;
}

/** The process logger: one JSON line per event, secrets redacted by key and by shape everywhere. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // The request's ids (request_id, tenant_id, sp_mchid, wxpay_request_id) on every line logged while serving it.
      mixin: () => ({ ...currentLogContext() }),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubString(a) : a)) as Parameters<typeof method>;
          return method.apply(this, scrubbed);
        },
      },
      serializers: { err: (e: unknown) => scrub(e) },
    },
    destination,
  );
}

/**
 * LOG_PRETTY=1: human-readable lines through pino-pretty (a devDependency, so absent from a pruned
 * production install: then the JSON lines stay, with one line saying why). Colours only on a terminal.
 */
export function prettyDestination(): pino.DestinationStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (o: Record<string, unknown>) => pino.DestinationStream;
    return pretty({ colorize: Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    process.stderr.write('LOG_PRETTY is set but pino-pretty is not installed (npm install without --omit=dev); logging JSON\n');
    return undefined;
  }
}
