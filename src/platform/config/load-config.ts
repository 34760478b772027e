import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configSchema, PROFILES, type Config, type Profile } from './schema';

/** Start-up configuration failure; `problems` lists every bad or missing key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;
/** A partial of T at every depth (config overrides). */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** PARTNERPAY_TRUST_PROXY: true/false, a hop count, or express's list form (`loopback, 10.0.0.0/8`). */
function trustProxyValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** Which environment variable feeds which key (the contract's names first). */
const ENV_KEYS: Array<[string, string[], (v: string) => unknown]> = [
  ['PORT', ['server', 'port'], Number],
  ['PARTNERPAY_COMPLAINTS_SYNC_SECONDS', ['complaints', 'syncSeconds'], Number],
  ['HOST', ['server', 'host'], String],
  ['PARTNERPAY_TRUST_PROXY', ['server', 'trustProxy'], trustProxyValue],
  ['PUBLIC_BASE_URL', ['server', 'publicBaseUrl'], String],
  ['DATABASE_URL', ['db', 'url'], String],
  ['PARTNERPAY_MIGRATE_ON_START', ['db', 'migrateOnStart'], (v) => v === '1' || v === 'true'],
  ['REDIS_URL', ['redis', 'url'], String],
  ['REDIS_KEY_PREFIX', ['redis', 'keyPrefix'], String],
  ['REDIS_COMMAND_TIMEOUT_MS', ['redis', 'commandTimeoutMs'], Number],
  ['WXPAY_BASE_URL', ['wxpay', 'baseUrl'], String],
  ['WXPAY_BACKUP_BASE_URL', ['wxpay', 'backupBaseUrl'], String],
  ['WECHAT_API_BASE_URL', ['wechatApi', 'baseUrl'], String],
  ['WECHAT_MP_BASE_URL', ['wechatApi', 'mpBaseUrl'], String],
  ['PARTNERPAY_ADMIN_TOKEN', ['security', 'adminToken'], String],
  ['PARTNERPAY_MASTER_KEY', ['security', 'masterKey'], String],
  ['PARTNERPAY_PREVIOUS_MASTER_KEYS', ['security', 'previousMasterKeys'], (v) => v.split(',').filter(Boolean)],
  ['PARTNERPAY_ALLOW_PRIVATE_WEBHOOKS', ['security', 'allowPrivateWebhooks'], (v) => v === '1' || v === 'true'],
  ['PARTNERPAY_JOBS', ['jobs', 'enabled'], (v) => v === '1' || v === 'true'],
  ['PARTNERPAY_JOBS_INTERVAL_MS', ['jobs', 'intervalMs'], Number],
  ['PARTNERPAY_EVENT_LEASE_MS', ['jobs', 'eventLeaseMs'], Number],
  ['SIMULATOR_STATE_DIR', ['simulator', 'stateDir'], String],
  ['LOG_LEVEL', ['log', 'level'], String],
  ['LOG_PRETTY', ['log', 'pretty'], (v) => v === '1' || v === 'true'],
  ['PARTNERPAY_METRICS_TOKEN', ['metrics', 'token'], String],
];

/**
 * A mysql:// URL composed of DB_HOST, DB_PORT (3306), DB_USER, DB_PASSWORD and DB_NAME, each part
 * URL-encoded, so a password with `@ : / ?` works (docker-compose passes them apart). Undefined
 * without DB_HOST; DATABASE_URL, when set, wins.
 */
export function databaseUrlFromParts(env: Env): string | undefined {
  if (!env.DB_HOST) return undefined;
  const e = encodeURIComponent;
  const auth = env.DB_USER ? `${e(env.DB_USER)}${env.DB_PASSWORD ? `:${e(env.DB_PASSWORD)}` : ''}@` : '';
  return `mysql://${auth}${env.DB_HOST}:${env.DB_PORT || '3306'}/${e(env.DB_NAME || 'partnerpay')}`;
}

/** NODE_ENV=production selects production; PARTNERPAY_PROFILE names any profile; else the demo (default). */
export function profileFromEnv(env: Env): Profile {
  const named = env.PARTNERPAY_PROFILE ?? (env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'default');
  if (!(PROFILES as readonly string[]).includes(named))
    throw new ConfigError([`PARTNERPAY_PROFILE: must be one of ${PROFILES.join(', ')}, got "${named}"`]);
  return named as Profile;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

/** Deep-merges plain objects; arrays and scalars in `over` replace those in `base`. */
export function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/**
 * Loads config/<profile>.json, applies the environment, then `overrides` (tests), validates once and
 * returns a frozen object. Throws ConfigError naming every bad key and the variable that feeds it.
 */
export function loadConfig(
  env: Env = process.env,
  overrides: DeepPartial<Config> = {},
  configDir = join(__dirname, '..', '..', '..', '..', 'config'),
): Config {
  const profile = (overrides.profile as Profile | undefined) ?? profileFromEnv(env);
  const file = join(configDir, `${profile}.json`);
  const fromFile = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const fromEnv: Record<string, unknown> = {};
  const composed = env.DATABASE_URL ? undefined : databaseUrlFromParts(env);
  if (composed) env = { ...env, DATABASE_URL: composed };
  for (const [name, path, cast] of ENV_KEYS) {
    const v = env[name];
    if (v !== undefined && v !== '') setPath(fromEnv, path, cast(v));
  }
  // Every object section starts empty, so a missing leaf is reported by its own key (db.url), not as "db: expected object".
  const sections = Object.fromEntries(
    Object.entries(configSchema.shape)
      .filter(([, s]) => s instanceof z.ZodObject)
      .map(([k]) => [k, {}]),
  );
  const raw = merge(merge(merge({ profile, ...sections }, fromFile), fromEnv), overrides as Record<string, unknown>);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const envFor = new Map(ENV_KEYS.map(([name, path]) => [path.join('.'), name]));
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = i.path.join('.');
        const hint = envFor.get(key);
        // zod's "expected string, received undefined" says nothing to someone starting the server.
        const message = /received undefined$/.test(i.message) ? 'is missing (required in this profile)' : i.message;
        return `${key}${hint ? ` (${hint})` : ''}: ${message}`;
      }),
    );
  }
  return deepFreeze(parsed.data);
}
