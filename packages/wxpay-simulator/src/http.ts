import express, { type Request, type Response, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import { parseAuthorizationHeader, type WxpayLogger as Logger, type Clock } from '@partnerpay/wxpay';
import { serialFor, verifyRequest, wechatpayHeaders, type SignTamper } from './auth';
import { WxError } from './errors';
import type { Faults } from './faults';
import type { PlatformIdentity } from './keys';
import { LOG_CAP, type ServiceProvider, type SimState } from './state';
import { parseUpload, type UploadParts } from './multipart';

/** One API request the simulator received, as `calls()` reports it. */
export interface CallRecord {
  method: string;
  /** Path below the mount, without the query string (e.g. `/v3/pay/partner/transactions/jsapi`). */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (undefined when there was none or it did not parse). */
  body: unknown;
  /** The mchid of the Authorization header, when it parsed. */
  sp_mchid?: string;
  /** The HTTP status answered (0 while pending or when the connection was dropped). */
  status: number;
  /** Wall-clock ms when it arrived. */
  at: number;
}

export type { UploadParts } from './multipart';

export interface ApiContext {
  req: Request;
  /** Set on multipart routes. */
  upload?: UploadParts;
  provider: ServiceProvider;
  body: unknown;
  query: Record<string, string>;
  params: Record<string, string>;
  /** Absolute URL of the simulator root (mount included), for links back to it (bill download_url). */
  selfUrl: string;
}

/** What a handler answers: signed JSON (or 204), or raw bytes that WeChat Pay does not sign (bill downloads). */
export type ApiResult = { status: number; body?: unknown } | { status: number; raw: Buffer; contentType: string };

export type ApiHandler = (ctx: ApiContext) => ApiResult | Promise<ApiResult>;

/** The signed half of the simulator: every /v3 route goes through auth, faults, the call log and response signing. */
export class ApiRoutes {
  readonly router: Router = express.Router();
  readonly calls: CallRecord[] = [];
  private readonly hung = new Set<{ timer: NodeJS.Timeout; res: Response }>();

  constructor(
    private readonly state: SimState,
    private readonly identity: PlatformIdentity,
    private readonly wall: Clock,
    private readonly faults: Faults,
    private readonly logger?: Logger,
  ) {}

  /** Adds a route; `pattern` is an express path below the mount. */
  route(method: 'get' | 'post' | 'put' | 'delete', pattern: string, handler: ApiHandler, opts: { multipart?: boolean } = {}): void {
    this.router[method](pattern, (req, res) => void this.handle(req, res, handler, opts.multipart === true));
  }

  /** Answers unknown /v3 paths like WeChat Pay's gateway (404, signed). */
  notFound(): void {
    this.router.use('/v3', (req, res) => {
      this.send(res, { status: 404, body: { code: 'NOT_FOUND', message: '请求的资源不存在' } }, undefined);
    });
  }

  /** Drops connections held by timeout faults (on stop). */
  releaseHung(): void {
    for (const h of this.hung) {
      clearTimeout(h.timer);
      h.res.socket?.destroy();
    }
    this.hung.clear();
  }

  private async handle(req: Request, res: Response, handler: ApiHandler, multipart = false): Promise<void> {
    let upload: UploadParts | undefined;
    let uploadError: WxError | undefined;
    if (multipart) {
      try {
        upload = await parseUpload(req);
      } catch (e) {
        uploadError = e instanceof WxError ? e : WxError.param('/', 'multipart请求体无法读取');
      }
    }
    // A multipart upload is signed over its meta part only.
    const raw = upload ? upload.meta : multipart ? '' : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const rel = req.originalUrl.slice(req.baseUrl.length) || '/';
    const path = rel.split('?')[0];
    const query = Object.fromEntries(new URLSearchParams(rel.includes('?') ? rel.slice(rel.indexOf('?') + 1) : '')) as Record<
      string,
      string
    >;
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const call: CallRecord = {
      method: req.method,
      path,
      query,
      body,
      sp_mchid: parseAuthorizationHeader(req.get('authorization'))?.mchid,
      status: 0,
      at: this.wall.now(),
    };
    this.calls.push(call);
    if (this.calls.length > LOG_CAP) this.calls.splice(0, this.calls.length - LOG_CAP);
    res.on('finish', () => (call.status = res.statusCode));

    const fault = this.faults.takeApi(path);
    if (fault?.kind === 'http_500') {
      const known = call.sp_mchid ? this.state.providers.get(call.sp_mchid) : undefined;
      return this.send(res, { status: 500, body: WxError.system('系统繁忙，请稍后重试').body() }, known);
    }
    let provider: ServiceProvider | undefined;
    let result: ApiResult;
    try {
      if (!req.get('user-agent') || !req.get('accept')) throw WxError.invalid('Http头缺少Accept或User-Agent');
      provider = verifyRequest(
        this.state,
        { method: req.method, urls: [req.originalUrl, rel], authorization: req.get('authorization'), body: raw },
        Math.floor(this.wall.now() / 1000),
      );
      if (uploadError) throw uploadError;
      if (raw && body === undefined) throw WxError.param(upload ? '/meta' : '/', '请求体不是合法的JSON', 'body');
      const skip = fault?.kind === 'timeout' && fault.processed === false;
      result = skip
        ? { status: 504 }
        : await handler({
            req,
            upload,
            provider,
            body,
            query,
            params: req.params as Record<string, string>,
            selfUrl: `${req.protocol}://${req.get('host')}${req.baseUrl}`,
          });
    } catch (err) {
      if (!(err instanceof WxError)) this.logger?.error({ err, path }, 'simulator: handler failed');
      const e = err instanceof WxError ? err : WxError.system();
      result = { status: e.status, body: e.body() };
      (res.locals as { internal?: number }).internal = e.internal;
      provider ??= call.sp_mchid ? this.state.providers.get(call.sp_mchid) : undefined;
    }
    if (fault?.kind === 'timeout') {
      // WeChat Pay did (or, with processed=false, did not) do the work, but the answer never comes: hold the socket, then drop it.
      const h = {
        res,
        timer: setTimeout(() => {
          this.hung.delete(h);
          res.socket?.destroy();
        }, fault.hang_ms ?? 60_000),
      };
      h.timer.unref();
      this.hung.add(h);
      return;
    }
    if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.delay_ms).unref());
    const tamper: SignTamper =
      fault?.kind === 'bad_signature'
        ? { badSignature: true }
        : fault?.kind === 'clock_skew'
          ? { skewSeconds: fault.skew_seconds ?? 600 }
          : {};
    this.send(res, result, provider, tamper);
  }

  /** Writes a response with WeChat Pay's headers; JSON bodies and 204s are signed, raw downloads are not. */
  private send(res: Response, result: ApiResult, provider: ServiceProvider | undefined, tamper: SignTamper = {}): void {
    const internal = (res.locals as { internal?: number }).internal;
    res.setHeader('Request-ID', `${randomBytes(12).toString('hex').toUpperCase()}-${result.status < 400 ? 0 : (internal ?? 268435456)}`);
    res.status(result.status);
    if ('raw' in result) {
      res.setHeader('Content-Type', result.contentType);
      res.end(result.raw);
      return;
    }
    const text = result.body === undefined ? '' : JSON.stringify(result.body);
    const headers = wechatpayHeaders(this.identity, serialFor(this.identity, provider), text, Math.floor(this.wall.now() / 1000), tamper);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (text) res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(text);
  }
}
