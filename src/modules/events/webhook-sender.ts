import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, request } from 'undici';
import { isForbiddenAddress } from '../../platform/net/webhook-url';
import { scrubString } from '../../platform/logging/logger';

export interface SenderOptions {
  /** Demo/local development only: allow http and loopback/private addresses. */
  allowPrivate: boolean;
  connectTimeoutMs?: number;
  /** Limit for the response headers, and separately for the body. */
  responseTimeoutMs?: number;
  userAgent: string;
}

/** What one POST to a webhook came to. `ok` means a 2xx. */
export interface SendResult {
  ok: boolean;
  httpStatus: number | null;
  durationMs: number;
  snippet: string | null;
  error: string | null;
}

/** Refusal to talk to an address the SSRF guard forbids. */
export class ForbiddenWebhookAddressError extends Error {
  constructor() {
    super('refused: the webhook host is a loopback, private, link-local or metadata address');
    this.name = 'ForbiddenWebhookAddressError';
  }
}

// Resolves like dns.lookup but refuses the whole answer when any address is forbidden, so a name
// with one public and one internal record (DNS rebinding) is never connected to.
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    if (addresses.length === 0 || addresses.some((a) => isForbiddenAddress(a.address)))
      return callback(new ForbiddenWebhookAddressError(), '', 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

const SNIPPET_CHARS = 200;

/**
 * POSTs event bodies to tenants' webhooks with undici: keep-alive, connect and response timeouts,
 * no redirects followed (a 3xx is a failed attempt), and (unless private webhooks are allowed) the
 * SSRF guard on the resolved and actually connected address.
 */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(private readonly opts: SenderOptions) {
    const timeout = opts.connectTimeoutMs ?? 3000;
    if (opts.allowPrivate) {
      this.agent = new Agent({ connect: { timeout }, keepAliveTimeout: 10_000 });
      return;
    }
    const connector = buildConnector({ timeout, lookup: guardedLookup });
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      // Checked again after connecting: IP-literal hosts never go through lookup.
      connect: (options, callback) =>
        connector(options, (err, socket) => {
          if (err || !socket) return callback(err ?? new Error('connect failed'), null);
          if (!socket.remoteAddress || isForbiddenAddress(socket.remoteAddress)) {
            socket.destroy();
            return callback(new ForbiddenWebhookAddressError(), null);
          }
          callback(null, socket);
        }),
    });
  }

  /** One delivery attempt; never throws. */
  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({ ...r, durationMs: Math.round(performance.now() - started) });
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return done({ ok: false, httpStatus: null, snippet: null, error: 'webhook_url is not a valid URL' });
    }
    if (u.protocol !== 'https:' && !(this.opts.allowPrivate && u.protocol === 'http:'))
      return done({ ok: false, httpStatus: null, snippet: null, error: 'refused: webhook_url must be https' });
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!this.opts.allowPrivate && isIP(host) && isForbiddenAddress(host))
      return done({ ok: false, httpStatus: null, snippet: null, error: new ForbiddenWebhookAddressError().message });
    const responseTimeout = this.opts.responseTimeoutMs ?? 5000;
    try {
      const res = await request(u, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', 'user-agent': this.opts.userAgent, ...headers },
        body,
        headersTimeout: responseTimeout,
        bodyTimeout: responseTimeout,
      });
      const snippet = await readSnippet(res.body);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return done({ ok, httpStatus: res.statusCode, snippet, error: ok ? null : `HTTP ${res.statusCode}` });
    } catch (e) {
      return done({ ok: false, httpStatus: null, snippet: null, error: describe(e) });
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

async function readSnippet(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string | null> {
  let text = '';
  try {
    for await (const chunk of body) {
      text += chunk.toString('utf8');
      // Stop reading a large answer early; breaking out destroys the body and its connection.
      if (text.length >= SNIPPET_CHARS * 4) break;
    }
  } catch {
    // A body cut short still leaves the status, which is what decides the attempt.
  }
  const clean = scrubString(text.slice(0, SNIPPET_CHARS))
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return clean || null;
}

function describe(e: unknown): string {
  const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  const inner = err.cause instanceof ForbiddenWebhookAddressError ? err.cause : err;
  if (inner instanceof ForbiddenWebhookAddressError) return inner.message;
  const code = err.code ?? err.cause?.code;
  return scrubString(`${code ? `${code}: ` : ''}${err.message ?? String(e)}`).slice(0, 255);
}
