import { z } from 'zod';
import { DEFAULT_SERVER_LIMITS } from '../http/server-limits';

/**
 * The one typed configuration schema. Profile files (config/<profile>.json) and the environment
 * variables of the contract feed it; loadConfig() validates it once at start-up.
 */
export const PROFILES = ['default', 'test', 'production'] as const;
export type Profile = (typeof PROFILES)[number];

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

/** The admin tokens and master keys published in config/default.json and config/test.json: never valid in production. */
const PUBLISHED_ADMIN_TOKENS = ['demo-admin-token-change-me-0000', 'test-admin-token-000000000000000'];
const PUBLISHED_MASTER_KEYS = ['ZGVtby1tYXN0ZXIta2V5LWRlbW8tb25seS0zMmJ5dGU=', 'dGVzdC1tYXN0ZXIta2V5LXRlc3Qtb25seS0zMmJ5dGU='];

export const configSchema = z
  .object({
    profile: z.enum(PROFILES),
    server: z.object({
      /** HTTP port; 0 picks a free one (tests). */
      port: z.number().int().min(0).max(65535),
      /** Interface to listen on (HOST); the demo keeps to loopback, production listens on every interface. */
      host: z.string().min(1).default('0.0.0.0'),
      /** express "trust proxy" (PARTNERPAY_TRUST_PROXY): false, true, a hop count or a list of addresses/subnets. */
      trustProxy: z.union([z.boolean(), z.number().int().min(0), z.string().min(1)]).default(false),
      /** Where WeChat Pay reaches us; builds every notify_url. */
      publicBaseUrl: httpUrl,
      /** Largest JSON body accepted. */
      bodyLimit: z.string().default('256kb'),
      /** A client must send a request's headers within this long (408 and the connection closed otherwise). */
      headersTimeoutMs: z.number().int().positive().default(DEFAULT_SERVER_LIMITS.headersTimeoutMs),
      /** ... and the whole request, body included, within this long: a slow client cannot hold a connection. */
      requestTimeoutMs: z.number().int().positive().default(DEFAULT_SERVER_LIMITS.requestTimeoutMs),
      /** Seconds to wait for in-flight requests on shutdown. */
      shutdownGraceSeconds: z.number().int().min(0).default(10),
    }),
    db: z.object({
      /** `mysql://user:pass@host:3306/db` or `sqlite:<path>` (`sqlite::memory:` for a throwaway database). */
      url: z.string().regex(/^(mysql|mariadb):\/\/.+|^sqlite:.+/, 'must be mysql://user:pass@host:port/db or sqlite:<path>'),
      /** Apply pending migrations at start-up (MySQL); SQLite always syncs its schema. */
      migrateOnStart: z.boolean().default(true),
      poolMax: z.number().int().min(1).default(10),
      debug: z.boolean().default(false),
    }),
    redis: z.object({
      /** `redis://host:6379`; unset means in-process stand-ins. */
      url: z
        .string()
        .regex(/^rediss?:\/\//, 'must be redis://host:port')
        .optional(),
      keyPrefix: z.string().default('pp:'),
      /** At start-up, give up on an unreachable Redis after this long (exit non-zero, saying why). */
      startTimeoutMs: z.number().int().positive().default(5000),
      /** A command unanswered after this long means Redis is away (a stalled server): callers fall back to per-process stand-ins. */
      commandTimeoutMs: z.number().int().positive().default(500),
      /** While Redis is away, PING it this often to notice its return. */
      probeIntervalMs: z.number().int().positive().default(1000),
    }),
    wxpay: z.object({
      /** WeChat Pay API root; unset in the demo means the embedded simulator. */
      baseUrl: httpUrl.optional(),
      /** Backup host for fail-over (api2.mch.weixin.qq.com), when set. */
      backupBaseUrl: httpUrl.optional(),
      connectTimeoutMs: z.number().int().positive().default(3000),
      requestTimeoutMs: z.number().int().positive().default(10000),
      /** Attempts for idempotent calls on transport errors and 5xx, and the total time they may take. */
      maxAttempts: z.number().int().min(1).max(10).default(3),
      retryBudgetMs: z.number().int().positive().default(15000),
      userAgent: z.string().default('partnerpay/0.1 (+https://github.com/partnerpay)'),
    }),
    wechatApi: z.object({
      /** WeChat's API root for mini-program login (jscode2session) and the open platform; unset in the demo: the embedded simulator. */
      baseUrl: httpUrl.optional(),
      /** mp.weixin.qq.com, where the open platform's authorisation pages live; unset in the demo means the embedded simulator. */
      mpBaseUrl: httpUrl.optional(),
      connectTimeoutMs: z.number().int().positive().default(3000),
      requestTimeoutMs: z.number().int().positive().default(5000),
    }),
    checkout: z.object({
      /** /mp/v1 calls allowed per order per minute (a buyer retrying, or someone guessing). */
      perOrderPerMinute: z.number().int().positive().default(30),
      /** /mp/v1 calls allowed per client address per minute. */
      perAddressPerMinute: z.number().int().positive().default(120),
      /** /mp/v1 calls with a wrong or unknown client_secret allowed per client address per minute (guessing). */
      wrongSecretsPerAddressPerMinute: z.number().int().positive().default(10),
    }),
    security: z.object({
      /** The first operator token (bootstrap). */
      adminToken: z
        .string({ error: (i) => (i.input === undefined ? 'is missing: generate one with `openssl rand -hex 32`' : undefined) })
        .min(24, 'must be at least 24 characters'),
      /** base64 of 32 bytes; wraps the data keys that encrypt secrets at rest. */
      masterKey: z
        .string({
          error: (i) =>
            i.input === undefined
              ? 'is missing: generate one with `openssl rand -base64 32` and keep it safe (it decrypts every stored secret)'
              : undefined,
        })
        .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes (`openssl rand -base64 32`)'),
      /** Previous master keys still accepted for unwrapping during a rotation. */
      previousMasterKeys: z.array(z.string()).default([]),
      allowPrivateWebhooks: z.boolean(),
      /** Failed authentications allowed per presented credential and client address per minute. */
      authFailuresPerMinute: z.number().int().positive().default(20),
    }),
    simulator: z.object({
      /** Mount the WeChat Pay simulator in-process (demo); never in production. */
      embedded: z.boolean(),
      mountPath: z.string().startsWith('/').default('/simulator'),
      /** Factor by which the simulator's retry clock runs faster (demo: 60 = a minute per second). */
      clockSpeed: z.number().positive().default(1),
      /** Folder keeping the simulator's platform keys across restarts (demo: ./data); unset = new keys per process. */
      stateDir: z.string().optional(),
      /** Simulator seconds after which a refund finishes as SUCCESS by itself; unset = only the control API finishes it. */
      refundAutoFinishSeconds: z.number().min(0).optional(),
    }),
    orders: z.object({
      defaultExpireMinutes: z.number().int().min(5).default(120),
      /** WeChat Pay asks for at least 5 minutes between creating and closing an order. */
      minCloseAgeSeconds: z.number().int().min(0).default(300),
      /** Unpaid orders without a notification are queried upstream after this long (补单). */
      reconcileAfterSeconds: z.number().int().min(0).default(180),
      /** Default of a new tenant's limits.orders_per_minute (each tenant's own value applies). */
      createPerMinutePerTenant: z.number().int().positive().default(6000),
      /** WeChat Pay queries a tenant may trigger with ?sync=true per minute (orders and refunds together). */
      syncPerMinutePerTenant: z.number().int().positive().default(120),
    }),
    notifications: z.object({
      /** notification_log rows older than this are deleted by a background job. */
      retentionDays: z.number().int().min(1).default(90),
      /**
       * Unsigned (or badly signed) POSTs to a real tenant's notify path that keep a notification_log
       * row, with the body's first 512 characters, per tenant per minute; the rest are only counted
       * (partnerpay_notifications_received_total{outcome="refused"}).
       */
      refusedSamplesPerMinute: z.number().int().min(0).default(10),
    }),
    bills: z
      .object({
        /** Beijing time (HH:MM) after which the previous day's trade bills are reconciled (WeChat Pay publishes them from 09:00). */
        dailyAt: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM')
          .default('10:00'),
        /** Minutes before a bill that is not ready yet (STATEMENT_CREATING) is asked for again. */
        retryMinutes: z.number().positive().default(30),
        /** Tries before a run that keeps finding no bill is failed. */
        maxAttempts: z.number().int().positive().default(48),
        /** Payments this close to midnight (Beijing) are judged with the next day's bill. */
        boundaryMinutes: z.number().int().min(0).default(5),
        /** Bill rows per multi-row INSERT while staging (one SQL string of escaped literals; ~0.5 MB of SQL per 1000 rows). */
        batchRows: z.number().int().min(1).max(10_000).default(5000),
        /**
         * Days a done run's staged bill rows are kept (tenants' trade CSVs are built from them), then
         * deleted. At least 2: the next day's run reads the previous day's rows at the midnight boundary.
         * Rows of a failed run or of a run superseded by a newer done generation go at once.
         */
        keepStagedDays: z.number().int().min(2).default(7),
        /** A node's claim on a run; another node takes over a run whose lease ran out. */
        leaseSeconds: z.number().int().positive().default(300),
        /** Fetch each sub-merchant's fund-flow bill with the daily run (needs 下载二级商户资金账单). */
        fundflow: z.boolean().default(true),
      })
      .prefault({}),
    jobs: z.object({
      /** Run background jobs (reconciler, auto-close, event dispatcher) in this process. */
      enabled: z.boolean().default(true),
      intervalMs: z.number().int().positive().default(5000),
      /** The dispatcher's claim on an event: a killed node's events are sent again after it (more than 8 s of timeouts). */
      eventLeaseMs: z.number().int().min(10_000).default(60_000),
    }),
    onboarding: z
      .object({
        /** Days after a final state (FINISHED/CANCELED) after which an applyment's plain application is purged. */
        retainDays: z.number().int().min(0).default(30),
        /** Minutes between polls of an unfinished applyment, step by step; the last step repeats (WeChat Pay sends no notification). */
        pollMinutes: z.array(z.number().positive()).min(1).default([2, 5, 10, 20, 30, 60]),
        /** How long one node holds an applyment while polling it. */
        leaseSeconds: z.number().int().positive().default(60),
        /** GET /admin/v1/applyments/{id}?sync=true calls to WeChat Pay per admin operator per minute. */
        syncPerMinutePerOperator: z.number().int().positive().default(30),
      })
      .prefault({}),
    complaints: z
      .object({
        /** Seconds between syncs of each provider's complaint list (PARTNERPAY_COMPLAINTS_SYNC_SECONDS). */
        syncSeconds: z.number().int().positive().default(300),
        /** Hours after a complaint arrives by which the shop must answer (respond_by); then it is overdue. */
        respondWithinHours: z.number().positive().default(24),
        /** How long one node holds a provider's sync. */
        leaseSeconds: z.number().int().positive().default(120),
      })
      .prefault({}),
    metrics: z
      .object({
        /** Bearer token for GET /metrics besides operator tokens (PARTNERPAY_METRICS_TOKEN); unset = operator tokens only. */
        token: z.string().min(16, 'must be at least 16 characters').optional(),
        /** prom-client's process and event-loop metrics. */
        defaultMetrics: z.boolean().default(true),
        /** How long a scrape reuses the outbox backlog COUNT (0: every scrape counts). */
        backlogCacheMs: z.number().int().min(0).default(5000),
      })
      .default({ defaultMetrics: true, backlogCacheMs: 5000 }),
    demo: z
      .object({
        /** Mount /demo/inbox: a built-in webhook receiver for the example tenants (demo profile only). */
        inbox: z.boolean().default(false),
      })
      .default({ inbox: false }),
    /** Folder of declarative tenant files; the demo seeds from it. */
    tenantsDir: z.string().default('tenants'),
    /** Seed the demo service provider and tenants at start-up. */
    seedDemo: z.boolean().default(false),
    log: z.object({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      pretty: z.boolean().default(false),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.profile !== 'production') return;
    if (!c.server.publicBaseUrl.startsWith('https://'))
      ctx.addIssue({
        code: 'custom',
        path: ['server', 'publicBaseUrl'],
        message: 'must be https in production (WeChat Pay only notifies https URLs)',
      });
    if (c.simulator.embedded)
      ctx.addIssue({ code: 'custom', path: ['simulator', 'embedded'], message: 'the simulator is never enabled in production' });
    if (!c.wxpay.baseUrl) ctx.addIssue({ code: 'custom', path: ['wxpay', 'baseUrl'], message: 'is required in production' });
    if (!c.wechatApi.baseUrl) ctx.addIssue({ code: 'custom', path: ['wechatApi', 'baseUrl'], message: 'is required in production' });
    if (!c.wechatApi.mpBaseUrl) ctx.addIssue({ code: 'custom', path: ['wechatApi', 'mpBaseUrl'], message: 'is required in production' });
    if (c.security.allowPrivateWebhooks)
      ctx.addIssue({ code: 'custom', path: ['security', 'allowPrivateWebhooks'], message: 'private webhooks are refused in production' });
    if (PUBLISHED_ADMIN_TOKENS.includes(c.security.adminToken))
      ctx.addIssue({
        code: 'custom',
        path: ['security', 'adminToken'],
        message: 'is the published demo token; set your own secret in production',
      });
    if ([c.security.masterKey, ...c.security.previousMasterKeys].some((k) => PUBLISHED_MASTER_KEYS.includes(k)))
      ctx.addIssue({ code: 'custom', path: ['security', 'masterKey'], message: 'is the published demo key; set your own in production' });
    if (c.demo.inbox)
      ctx.addIssue({ code: 'custom', path: ['demo', 'inbox'], message: 'the demo webhook inbox is never mounted in production' });
    if (c.seedDemo) ctx.addIssue({ code: 'custom', path: ['seedDemo'], message: 'demo seeding is refused in production' });
  });

export type Config = z.infer<typeof configSchema>;
