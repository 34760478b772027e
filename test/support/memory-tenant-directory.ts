import { randomBytes } from 'node:crypto';
import { newId } from '../../src/platform/ids';
import type { TenantDirectory, TenantView, WebhookSecret } from '../../src/modules/tenancy/tenant-directory';

interface Entry {
  view: TenantView;
  secretKey: string;
  secrets: WebhookSecret[];
}

/**
 * A TenantDirectory held in memory, bound to TOKENS.Tenants by tests of features that only consume
 * tenants (events); the tenancy feature's own tests exercise the real one.
 */
export class MemoryTenantDirectory implements TenantDirectory {
  private readonly entries = new Map<string, Entry>();

  /** Adds an active tenant with one webhook secret; answers its view, secret key and webhook secret. */
  add(webhookUrl: string | null, name = 'Test tenant'): { tenant: TenantView; secretKey: string; webhookSecret: string } {
    const view: TenantView = {
      id: newId('ten'),
      spMchid: '1900000100',
      subMchid: '1900000109',
      name,
      status: 'active',
      apps: [],
      webhookUrl,
      orderExpireMinutes: 120,
      ordersPerMinute: 6000,
    };
    const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
    const secretKey = `sk_${randomBytes(24).toString('base64url')}`;
    this.entries.set(view.id, { view, secretKey, secrets: [{ id: newId('whs'), secret: webhookSecret }] });
    return { tenant: view, secretKey, webhookSecret };
  }

  /** Starts a rotation: a new secret, newest first; the old one stays active. */
  rotateWebhookSecret(tenantId: string): string {
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    this.entry(tenantId).secrets.unshift({ id: newId('whs'), secret });
    return secret;
  }

  setWebhookUrl(tenantId: string, url: string | null): void {
    this.entry(tenantId).view.webhookUrl = url;
  }

  private entry(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new Error(`no tenant ${id}`);
    return e;
  }

  async byId(id: string): Promise<TenantView | undefined> {
    const e = this.entries.get(id);
    return e && { ...e.view, apps: [...e.view.apps] };
  }

  async authenticate(secretKey: string): Promise<TenantView | undefined> {
    for (const e of this.entries.values()) if (e.secretKey === secretKey) return { ...e.view };
    return undefined;
  }

  async webhookSecrets(tenantId: string): Promise<WebhookSecret[]> {
    return [...(this.entries.get(tenantId)?.secrets ?? [])];
  }
}
