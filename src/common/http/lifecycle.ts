import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { newId } from '../ids';

/**
 * The HTTP server's one request listener, attached before listen(): until the app is ready, and
 * again once draining begins, every request is answered at once with 503 SERVICE_UNAVAILABLE and
 * Retry-After, so a health probe or a retrying client never sees a hang.
 */
export class Lifecycle {
  private app?: RequestListener;
  private state: 'starting' | 'ready' | 'draining' = 'starting';

  constructor(private readonly retryAfterSeconds = 5) {}

  /** The listener to pass to createServer(). */
  readonly listener: RequestListener = (req, res) => {
    if (this.state === 'ready' && this.app) return void this.app(req, res);
    this.refuse(req, res);
  };

  /** Starts passing requests to `app`. */
  ready(app: RequestListener): void {
    this.app = app;
    this.state = 'ready';
  }

  /** From now on new requests are refused with 503 (in-flight ones finish). */
  drain(): void {
    this.state = 'draining';
  }

  get current(): 'starting' | 'ready' | 'draining' {
    return this.state;
  }

  private refuse(req: IncomingMessage, res: ServerResponse): void {
    const id = newId('req', 12);
    const starting = this.state === 'starting';
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
        detail: { retryable: true, state: this.state },
        request_id: id,
      }),
    );
  }
}
