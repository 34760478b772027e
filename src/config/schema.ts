import { z } from 'zod';

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

export const configSchema = z
  .object({
    profile: z.enum(PROFILES),
    server: z.object({
      /** HTTP port; 0 picks a free one (tests). */
      port: z.number().int().min(0).max(65535),
      /** Where WeChat Pay reaches us; builds every notify_url. */
      publicBaseUrl: httpUrl,
      /** Largest JSON body accepted. */
      bodyLimit: z.string().default('256kb'),
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
    security: z.object({
      /** The first operator token (bootstrap). */
      adminToken: z.string().min(24, 'must be at least 24 characters'),
      /** base64 of 32 bytes; wraps the data keys that encrypt secrets at rest. */
      masterKey: z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes'),
      /** Previous master keys still accepted for unwrapping during a rotation. */
      previousMasterKeys: z.array(z.string()).default([]),
      allowPrivateWebhooks: z.boolean(),
      /** Failed authentications allowed per client IP per minute. */
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
      createPerMinutePerTenant: z.number().int().positive().default(600),
    }),
    jobs: z.object({
      /** Run background jobs (reconciler, auto-close, event dispatcher) in this process. */
      enabled: z.boolean().default(true),
      intervalMs: z.number().int().positive().default(5000),
    }),
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
    if (c.security.allowPrivateWebhooks)
      ctx.addIssue({ code: 'custom', path: ['security', 'allowPrivateWebhooks'], message: 'private webhooks are refused in production' });
    if (c.demo.inbox)
      ctx.addIssue({ code: 'custom', path: ['demo', 'inbox'], message: 'the demo webhook inbox is never mounted in production' });
    if (c.seedDemo) ctx.addIssue({ code: 'custom', path: ['seedDemo'], message: 'demo seeding is refused in production' });
  });

export type Config = z.infer<typeof configSchema>;
