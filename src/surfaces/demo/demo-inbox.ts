import express, { type Application } from 'express';
import { instancePerContainerCachingFactory, type DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import { rfc3339, type Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import { verifyWebhookSignature } from '../../modules/events';
import { TenantsService, type TenantDirectory, type TenantView } from '../../modules/tenancy';

/** Where the demo's example tenants send their events (tenants/*.json: `${PUBLIC_BASE_URL}/demo/inbox/{sub_mchid}`). */
export const DEMO_INBOX_PATH = '/demo/inbox';

/** One event the inbox received, as GET /demo/inbox lists it. */
export interface InboxEntry {
  received_at: string;
  tenant_id: string;
  event_id: string | null;
  type: string | null;
  signature_valid: boolean;
  data: unknown;
}

const KEEP = 200;

/**
 * The demo's built-in webhook receiver, so a newcomer sees `order.paid` arrive without a server of
 * their own. It does what a tenant's back end should: verify Partnerpay-Signature over the raw bytes
 * with the tenant's webhook secret(s), answer 2xx only then, and keep what arrived (in memory, the
 * last 200). Mounted only when config.demo.inbox (demo profile; refused in production).
 */
export class DemoInbox {
  private readonly entries: InboxEntry[] = [];

  constructor(
    private readonly tenants: TenantDirectory,
    private readonly tenantsService: TenantsService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The tenant a path segment names: its id (`ten_...`) or its sub_mchid (what the example files can know in advance). */
  async tenant(segment: string): Promise<TenantView | undefined> {
    if (/^\d{8,10}$/.test(segment)) {
      const [t] = (await this.tenantsService.list({ limit: 1, sub_mchid: segment })).data;
      return t ? this.tenants.byId(t.id) : undefined;
    }
    return this.tenants.byId(segment);
  }

  /** Verifies and keeps one delivery; answers whether the signature held. */
  async receive(segment: string, signature: string | undefined, raw: Buffer): Promise<boolean> {
    const tenant = await this.tenant(segment);
    if (!tenant) throw AppError.notFound('tenant');
    const body = raw.toString('utf8');
    const nowS = Math.floor(this.clock.now() / 1000);
    const secrets = await this.tenants.webhookSecrets(tenant.id);
    const valid = Boolean(signature) && secrets.some((s) => verifyWebhookSignature(signature!, s.secret, body, nowS));
    let event: { id?: unknown; type?: unknown; data?: unknown } = {};
    try {
      event = JSON.parse(body) as typeof event;
    } catch {
      // kept as received: the listing shows it unparsed
    }
    this.entries.unshift({
      received_at: rfc3339(this.clock.now()),
      tenant_id: tenant.id,
      event_id: typeof event.id === 'string' ? event.id : null,
      type: typeof event.type === 'string' ? event.type : null,
      signature_valid: valid,
      data: event.data ?? null,
    });
    if (this.entries.length > KEEP) this.entries.pop();
    this.logger.info(
      { tenant_id: tenant.id, event_id: event.id, type: event.type, signature_valid: valid },
      'demo inbox received an event',
    );
    return valid;
  }

  list(tenantId?: string): InboxEntry[] {
    return tenantId ? this.entries.filter((e) => e.tenant_id === tenantId) : [...this.entries];
  }
}

/** POST /demo/inbox/{tenant}: raw body (the signature covers the exact bytes), so it is mounted before the JSON parser. */
export function mountDemoInbox(app: Application, c: DependencyContainer): void {
  const inbox = c.resolve(DemoInbox);
  app.post(`${DEMO_INBOX_PATH}/:tenant`, express.raw({ type: () => true, limit: '128kb' }), (req, res, next) => {
    inbox
      .receive(String(req.params.tenant), req.get('partnerpay-signature'), Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))
      .then((valid) => (valid ? res.status(204).end() : res.status(400).json({ error: 'invalid Partnerpay-Signature' })), next);
  });
}

const entrySchema = z
  .object({
    received_at: z.string(),
    tenant_id: z.string(),
    event_id: z.string().nullable(),
    type: z.string().nullable(),
    signature_valid: z.boolean(),
    data: z.unknown().describe("the event's data as received"),
  })
  .meta({ id: 'DemoInboxEntry' });
const listSchema = z.object({ data: z.array(entrySchema) });

/** GET /demo/inbox and GET /demo/inbox/{tenant}: what arrived, newest first (demo only, no auth: it holds demo data). */
export function demoInboxRouter(c: DependencyContainer): ApiRouter {
  const inbox = c.resolve(DemoInbox);
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: DEMO_INBOX_PATH,
        operationId: 'listDemoInboxEvents',
        summary: 'Demo only: events the built-in webhook receiver got, with their signature check',
        tags: ['demo'],
        auth: 'none',
        responses: { 200: { description: 'newest first', schema: listSchema } },
      },
      () => ({ data: inbox.list() }),
    )
    .route(
      {
        method: 'get',
        path: `${DEMO_INBOX_PATH}/:tenant`,
        operationId: 'listDemoInboxTenantEvents',
        summary: "Demo only: one tenant's received events (tenant id or sub_mchid)",
        tags: ['demo'],
        auth: 'none',
        params: z.object({ tenant: z.string().min(1).max(64) }),
        responses: { 200: { description: 'newest first', schema: listSchema } },
      },
      async ({ params }) => {
        const tenant = await inbox.tenant(params.tenant);
        if (!tenant) throw AppError.notFound('tenant');
        return { data: inbox.list(tenant.id) };
      },
    );
}

/** Binds DemoInbox (only called when config.demo.inbox). */
export function registerDemoInbox(c: DependencyContainer): void {
  c.register(DemoInbox, {
    useFactory: instancePerContainerCachingFactory(
      (d) =>
        new DemoInbox(
          d.resolve<TenantDirectory>(TOKENS.Tenants),
          d.resolve(TenantsService),
          d.resolve<Clock>(TOKENS.Clock),
          d.resolve<Logger>(TOKENS.Logger),
        ),
    ),
  });
}
