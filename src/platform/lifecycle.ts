import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { newId } from './ids';

/** Where the process is in its life; /readyz answers 503 unless `ready`. */
export type LifecycleState = 'starting' | 'ready' | 'draining';

/**
 * The process's one lifecycle: starting → ready → draining (one way). The composition root moves it
 * (start, close), main.ts drains it on a shutdown signal, /readyz reads it, and its `listener` is
 * the HTTP server's one request listener, attached before listen(): until the app is ready and
 * attached, and again once draining begins, every request is answered at once with 503
 * SERVICE_UNAVAILABLE and Retry-After, so a health probe or a retrying client never sees a hang.
 */
export class Lifecycle {
  private current: LifecycleState = 'starting';
  private app?: RequestListener;

  constructor(private readonly retryAfterSeconds = 5) {}

  get state(): LifecycleState {
    return this.current;
  }

  /** The listener to pass to createServer(). */
  readonly listener: RequestListener = (req, res) => {
    if (this.current === 'ready' && this.app) return void this.app(req, res);
    this.refuse(req, res);
  };

  /** Start-up work is done: traffic is welcome (passed to `app` when given, or to the one attached before). */
  ready(app?: RequestListener): void {
    if (app) this.app = app;
    if (this.current === 'starting') this.current = 'ready';
  }

  /** Shutting down: load balancers should stop sending new traffic, new requests get 503 (in-flight ones finish). */
  drain(): void {
    this.current = 'draining';
  }

  private refuse(req: IncomingMessage, res: ServerResponse): void {
    const id = newId('req', 12);
    const starting = this.current !== 'draining';
    req.resume(); // drain any body so the socket can answer and close cleanly
    res.writeHead(503, {
      'Content-Type': 'application/json; charset=utf-8',
      'Retry-After': String(this.retryAfterSeconds),
      'Request-Id': id,
      Connection: 'close',
    });
    res.end(
      JSON.stringify({
        code: 'SERVICE_UNAVAILABLE',
        message: starting ? 'partnerpay is starting; retry shortly' : 'partnerpay is shutting down; retry shortly',
        detail: { retryable: true, state: starting ? 'starting' : 'draining' },
        request_id: id,
      }),
    );
  }
}
