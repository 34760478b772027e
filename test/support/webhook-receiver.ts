import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body exactly as it arrived. */
  body: string;
}

/** How the receiver answers the next request; default 200. */
export type Reply = (res: ServerResponse, hook: ReceivedWebhook) => void;

/**
 * A real tenant webhook endpoint on 127.0.0.1 (port 0): records every request and answers with
 * `reply`. `stop()`/`start()` simulate the tenant's server being down (connection refused) and back
 * on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  reply: Reply = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const hook = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.received.push(hook);
        this.reply(res, hook);
      });
    });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/partnerpay`;
  }

  /** Hooks received for one event id. */
  for(eventId: string): ReceivedWebhook[] {
    return this.received.filter((h) => h.headers['partnerpay-event-id'] === eventId);
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
