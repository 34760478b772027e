import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import type { Clock, WxpayLogger } from './ports';
import type { ServiceProviderCredentials } from './credentials';
import { WxpayTransportError, type TransportFailure } from './errors';
import { signRequest } from './signer';
import { endpointTemplate } from './endpoint-template';

/** Told of every HTTP attempt to WeChat Pay (metrics): a bounded endpoint template, never the raw path. */
export interface WxpayCallObserver {
  /** `result`: `ok` (2xx), `http_4xx`, `http_5xx`, or the transport failure (`timeout`, `connect`, `network`). */
  onCall?(spMchid: string, endpoint: string, result: string, seconds: number): void;
  /** WeChat Pay's Request-ID of an answer, as it arrives (partnerpay puts it on the request's log lines). */
  onRequestId?(requestId: string): void;
}

/** What the transport needs from config.wxpay (plus test knobs for the backoff). */
export interface TransportOptions {
  baseUrl: string;
  backupBaseUrl?: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxAttempts: number;
  retryBudgetMs: number;
  userAgent: string;
  /** First backoff step; doubles per attempt, jittered, capped at backoffMaxMs. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** One signed exchange: `path` (with its query string) is relative to the base URL. */
export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** The exact body string (empty for GET); signed and sent as its UTF-8 bytes (unless `payload` is given). */
  body: string;
  /** Bytes to send instead of `body` (media upload: multipart whose signed BODY is only the meta JSON, spec addendum §1.9). */
  payload?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
  /** Retrying is safe: GET, or a POST WeChat Pay deduplicates. */
  idempotent: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A 2xx answer whose body is left unread: the caller consumes `stream` (bill downloads). */
export interface RawStreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  stream: Readable;
}

interface Host {
  origin: string;
  /** Path prefix of the base URL (the embedded simulator lives under /simulator); part of the signed URL. */
  prefix: string;
  label: 'primary' | 'backup';
}

// Failures that happen before a byte of the request left: safe to send elsewhere even for a non-idempotent call.
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Below this, an attempt's limit gets its own precise timer (undici's per-connection timers run on a ~1 s tick). */
const PRECISE_TIMER_BELOW_MS = 3000;

function hostOf(url: string, label: Host['label']): Host {
  const u = new URL(url);
  return { origin: u.origin, prefix: u.pathname.replace(/\/+$/, ''), label };
}

function errorCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code ?? err?.cause?.code;
}

/**
 * The one HTTP transport to WeChat Pay: a keep-alive undici Agent (one pool per host), a fresh
 * signature per attempt, per-attempt timeouts, and the retry rules. It does not verify answers
 * (WxpayHttpClient and the certificate bootstrap do) and knows nothing of JSON.
 *
 * Retry rules, and why:
 * - only idempotent calls (GET, or POSTs WeChat Pay deduplicates by out_trade_no / out_refund_no)
 *   are retried, on transport errors and 5xx; WeChat Pay's advice for 5xx is "retry with the same
 *   parameters, 2-3 times". 4xx is never retried: the same request gets the same answer.
 * - backoff is exponential with jitter so that many callers hitting one outage spread out, and the
 *   whole call (attempts plus waits) stays inside retryBudgetMs.
 * - a transport error on the primary host switches the rest of the call to the backup host
 *   (api2.mch.weixin.qq.com) when configured; a 5xx does not (the host answered). A non-idempotent
 *   call fails over only when the connection itself failed, i.e. nothing was sent.
 */
export class WxpayTransport {
  private readonly agent: Agent;
  private readonly primary: Host;
  private readonly backup?: Host;

  constructor(
    private readonly opts: TransportOptions,
    private readonly clock: Clock,
    private readonly logger?: WxpayLogger,
    private readonly observer?: WxpayCallObserver,
  ) {
    this.primary = hostOf(opts.baseUrl, 'primary');
    this.backup = opts.backupBaseUrl ? hostOf(opts.backupBaseUrl, 'backup') : undefined;
    this.agent = new Agent({
      connect: { timeout: opts.connectTimeoutMs },
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: opts.requestTimeoutMs,
      bodyTimeout: opts.requestTimeoutMs,
      connections: 128,
    });
  }

  /** The path relative to a configured base URL when `url` lies under one (bill download URLs), else undefined. */
  relativePath(url: string): string | undefined {
    for (const base of [this.opts.baseUrl, this.opts.backupBaseUrl]) {
      if (!base) continue;
      const b = base.replace(/\/+$/, '');
      if (url.startsWith(b + '/')) return url.slice(b.length);
    }
    return undefined;
  }

  /** Signs and sends `req`, retrying per the rules above; returns the last answer (any status) or throws WxpayTransportError. */
  async exchange(sp: ServiceProviderCredentials, req: RawRequest): Promise<RawResponse> {
    return (await this.send(sp, req, false)) as RawResponse;
  }

  /**
   * Like exchange, but a 2xx body is handed over unread as a stream (a bill of any size never sits in
   * memory). Retries happen only before a 2xx answer; the request timeout covers the answer's
   * headers, the agent's bodyTimeout each pause in the body. Non-2xx answers come back buffered.
   */
  async exchangeStream(sp: ServiceProviderCredentials, req: RawRequest): Promise<RawResponse | RawStreamResponse> {
    return this.send(sp, req, true);
  }

  private async send(sp: ServiceProviderCredentials, req: RawRequest, stream: boolean): Promise<RawResponse | RawStreamResponse> {
    const deadline = performance.now() + this.opts.retryBudgetMs;
    const limit = req.idempotent ? this.opts.maxAttempts : 1;
    let host = this.primary;
    let failedOver = false;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - performance.now();
      try {
        const res = await this.once(host, sp, req, Math.max(1, Math.min(this.opts.requestTimeoutMs, remaining)), stream);
        if (res.status < 500 || attempt >= limit || !(await this.backoff(attempt, deadline))) return res;
        this.logger?.warn({ status: res.status, path: logPath(req.path), attempt, host: host.label }, 'wxpay 5xx, retrying');
      } catch (e) {
        if (!(e instanceof WxpayTransportError)) throw e;
        const err = e;
        const canFailOver = this.backup !== undefined && !failedOver && (req.idempotent || err.kind === 'connect');
        this.logger?.warn({ kind: err.kind, path: logPath(req.path), attempt, host: host.label }, 'wxpay transport error');
        if (canFailOver) {
          // The fail-over attempt comes on top of maxAttempts: the point of a backup host is to be tried.
          failedOver = true;
          host = this.backup!;
          attempt--;
          if (performance.now() < deadline) continue;
        }
        if (attempt >= limit || !(await this.backoff(attempt, deadline)))
          throw new WxpayTransportError(err.kind, err.message, attempt + (failedOver ? 1 : 0), { cause: err.cause ?? err });
      }
    }
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async once(
    host: Host,
    sp: ServiceProviderCredentials,
    req: RawRequest,
    timeoutMs: number,
    stream = false,
  ): Promise<RawResponse | RawStreamResponse> {
    const path = host.prefix + req.path;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.opts.userAgent,
      ...(req.payload ? { 'Content-Type': req.payload.contentType } : req.body ? { 'Content-Type': 'application/json' } : {}),
      ...req.headers,
      Authorization: signRequest(sp, req.method, path, req.body, Math.floor(this.clock.now() / 1000)),
    };
    // The attempt's time limit. A full-length attempt relies on the Agent's own headers/body
    // timeouts (undici's coarse timers, already kept per connection: they fire up to ~1 s late),
    // so the hot path pays for no AbortController and no timer per call (~100 us an order). An
    // attempt cut short by the retry budget, or a short limit where a second matters, gets a precise
    // timer of its own: the retry budget stays exact.
    const precise = timeoutMs < this.opts.requestTimeoutMs || timeoutMs < PRECISE_TIMER_BELOW_MS;
    const ac = precise ? new AbortController() : undefined;
    let timedOut = false;
    const timer = ac
      ? setTimeout(() => {
          timedOut = true;
          ac.abort();
        }, timeoutMs)
      : undefined;
    const started = performance.now();
    try {
      const res = await this.agent.request({
        origin: host.origin,
        path,
        method: req.method,
        headers,
        body: req.payload ? req.payload.bytes : req.body ? Buffer.from(req.body, 'utf8') : undefined,
        signal: ac?.signal,
      });
      const streamed = stream && res.statusCode >= 200 && res.statusCode < 300;
      const body = streamed ? undefined : Buffer.from(await res.body.arrayBuffer());
      const wxpayRequestId = [res.headers['request-id']].flat()[0];
      if (typeof wxpayRequestId === 'string') this.observer?.onRequestId?.(wxpayRequestId);
      this.observe(sp, req.path, res.statusCode < 300 ? 'ok' : res.statusCode < 500 ? 'http_4xx' : 'http_5xx', started);
      this.logger?.debug(
        {
          method: req.method,
          path: logPath(req.path),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          host: host.label,
        },
        'wxpay call',
      );
      const answered = res.headers as RawResponse['headers'];
      // The timer below is cleared on return: from here on only the agent's bodyTimeout (idle) applies.
      return body ? { status: res.statusCode, headers: answered, body } : { status: res.statusCode, headers: answered, stream: res.body };
    } catch (e) {
      const code = errorCode(e);
      const kind: TransportFailure =
        timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
          ? 'timeout'
          : code && CONNECT_CODES.has(code)
            ? 'connect'
            : 'network';
      this.observe(sp, req.path, kind, started);
      throw new WxpayTransportError(kind, `WeChat Pay ${host.label} host: ${kind}${code ? ` (${code})` : ''}`, 1, { cause: e });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private observe(sp: ServiceProviderCredentials, path: string, result: string, started: number): void {
    this.observer?.onCall?.(sp.spMchid, endpointTemplate(path), result, (performance.now() - started) / 1000);
  }

  /** Waits before attempt `attempt + 1`; false when the wait would overrun the budget. */
  private async backoff(attempt: number, deadline: number): Promise<boolean> {
    const base = this.opts.backoffBaseMs ?? 200;
    const step = Math.min(this.opts.backoffMaxMs ?? 2000, base * 2 ** (attempt - 1));
    // Half fixed, half random ("equal jitter"): waits still grow, and callers that failed together spread out.
    const wait = step / 2 + Math.random() * (step / 2);
    if (performance.now() + wait >= deadline) return false;
    await new Promise((r) => setTimeout(r, wait));
    return true;
  }
}

/** Bill download URLs carry a capability token in their query; logs keep only the path. */
function logPath(path: string): string {
  return path.split('?')[0];
}
