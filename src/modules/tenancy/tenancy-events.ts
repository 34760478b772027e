import type { Logger } from '../../platform/logging/logger';

/** What changed in tenancy, after its transaction committed: a provider's credentials, or a tenant (its apps, AppSecrets, status...). */
export type TenancyChange = { kind: 'provider'; sp_mchid: string } | { kind: 'tenant'; tenant_id: string };

/** Something that wants to hear about tenancy changes (the demo: to tell its simulator). */
export type TenancyListener = (change: TenancyChange) => Promise<void> | void;

/**
 * Tenancy's change hook: the services emit after commit, and the write's answer waits for the
 * listeners, so what a listener does is done when the caller hears back. A failing listener is logged,
 * never fails the write. Production has no listener; the demo surface subscribes (demo-merchants.ts).
 */
export class TenancyEvents {
  private readonly listeners = new Set<TenancyListener>();

  constructor(private readonly logger?: Logger) {}

  /** Subscribes; returns the unsubscribe function. */
  on(listener: TenancyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener, one after the other. */
  async emit(change: TenancyChange): Promise<void> {
    for (const l of this.listeners) {
      try {
        await l(change);
      } catch (err) {
        this.logger?.warn({ err, ...change }, 'tenancy: a change listener failed');
      }
    }
  }
}
