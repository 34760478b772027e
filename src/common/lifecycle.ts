/** Where the process is in its life; /readyz answers 503 unless `ready`. */
export type LifecycleState = 'starting' | 'ready' | 'draining';

/** The app's lifecycle, set by the composition root (start/close) and by main.ts on a shutdown signal. */
export class Lifecycle {
  private current: LifecycleState = 'starting';

  get state(): LifecycleState {
    return this.current;
  }

  /** Start-up work is done: traffic is welcome. */
  ready(): void {
    if (this.current === 'starting') this.current = 'ready';
  }

  /** Shutting down: load balancers should stop sending new traffic (one-way). */
  drain(): void {
    this.current = 'draining';
  }
}
