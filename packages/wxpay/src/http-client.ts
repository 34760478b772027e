import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { ServiceProviderCredentials } from './credentials';
import type { PlatformKeys, WxpayCall, WxpayClient, WxpayDownload, WxpayDownloadStream, WxpayResponse } from './client-port';
import { WxpayApiError, WxpayMalformedError, WxpayRefusedCallError, WxpaySignatureError, type WxpayErrorBody } from './errors';
import { assertPartnerEndpoint } from './partner-guard';
import type { RawResponse, WxpayTransport } from './transport';
import { multipartPayload } from './media-upload';

/** `?a=1&b=2` in insertion order, undefined values dropped, percent-encoded (these bytes are signed). */
export function queryString(query: WxpayCall['query']): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function header(h: RawResponse['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The WxpayClient (TOKENS.Wxpay): serialises the body once, lets the transport sign and send those
 * bytes, verifies every answer's signature with PlatformKeys, and turns failures into typed errors.
 * Non-2xx answers are verified when they carry a signature (a bad one is refused); unsigned error
 * answers (gateway 5xx) become WxpayApiError with `signed: false`, as the official SDKs do.
 */
export class WxpayHttpClient implements WxpayClient {
  constructor(
    private readonly transport: WxpayTransport,
    private readonly keys: PlatformKeys,
  ) {}

  async call<T = unknown>(sp: ServiceProviderCredentials, req: WxpayCall): Promise<WxpayResponse<T>> {
    assertPartnerEndpoint(req.path);
    const body = req.multipart ? req.multipart.meta : req.body === undefined ? '' : JSON.stringify(req.body);
    const headers = { ...req.headers };
    // Tells WeChat Pay which key we verify with, so that in public-key mode answers are signed with it (spec §1.2).
    if (sp.verification.mode === 'public_key' && !Object.keys(headers).some((k) => k.toLowerCase() === 'wechatpay-serial'))
      headers['Wechatpay-Serial'] = sp.verification.publicKeyId;
    const raw = await this.transport.exchange(sp, {
      method: req.method,
      path: req.path + queryString(req.query),
      body,
      payload: req.multipart ? multipartPayload(req.multipart) : undefined,
      headers,
      idempotent: req.method === 'GET' || req.idempotent === true,
    });
    const requestId = header(raw.headers, 'request-id');
    const text = raw.body.toString('utf8');
    if (raw.status < 200 || raw.status >= 300) throw await this.apiError(sp, raw, text, requestId);
    const verified = await this.keys.verify(sp, raw.headers, text);
    if (!verified.ok) throw new WxpaySignatureError(verified.reason, verified.serial, requestId);
    if (raw.status === 204 || text.length === 0) return { status: raw.status, data: undefined as T, requestId };
    try {
      return { status: raw.status, data: JSON.parse(text) as T, requestId };
    } catch (e) {
      throw new WxpayMalformedError(`WeChat Pay answered ${raw.status} with a body that is not JSON`, requestId, { cause: e });
    }
  }

  /** Fetches a bill file from its `download_url` (signed request, unsigned answer: check the hash with billHashMatches). */
  async download(sp: ServiceProviderCredentials, downloadUrl: string): Promise<WxpayDownload> {
    const path = this.transport.relativePath(downloadUrl);
    // The URL comes from a WeChat Pay answer; still, our Authorization header goes only to our configured hosts.
    if (!path || !path.startsWith('/v3/billdownload/'))
      throw new WxpayRefusedCallError('refusing a bill download URL outside the configured WeChat Pay hosts');
    assertPartnerEndpoint(path);
    const raw = await this.transport.exchange(sp, { method: 'GET', path, body: '', headers: { Accept: '*/*' }, idempotent: true });
    const requestId = header(raw.headers, 'request-id');
    if (raw.status < 200 || raw.status >= 300) throw await this.apiError(sp, raw, raw.body.toString('utf8'), requestId);
    return { status: raw.status, body: raw.body, contentType: header(raw.headers, 'content-type'), requestId };
  }

  /** Like download, but the file comes as a stream (undici's body, unread): for bills of any size. */
  async downloadStream(sp: ServiceProviderCredentials, downloadUrl: string): Promise<WxpayDownloadStream> {
    const path = this.transport.relativePath(downloadUrl);
    if (!path || !path.startsWith('/v3/billdownload/'))
      throw new WxpayRefusedCallError('refusing a bill download URL outside the configured WeChat Pay hosts');
    assertPartnerEndpoint(path);
    const raw = await this.transport.exchangeStream(sp, { method: 'GET', path, body: '', headers: { Accept: '*/*' }, idempotent: true });
    const requestId = header(raw.headers, 'request-id');
    if ('body' in raw) throw await this.apiError(sp, raw, raw.body.toString('utf8'), requestId);
    return { status: raw.status, body: raw.stream, contentType: header(raw.headers, 'content-type'), requestId };
  }

  private async apiError(sp: ServiceProviderCredentials, raw: RawResponse, text: string, requestId?: string): Promise<Error> {
    let body: WxpayErrorBody = {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object') body = parsed as WxpayErrorBody;
    } catch {
      // A gateway error page: the status says enough.
    }
    if (header(raw.headers, 'wechatpay-signature') === undefined) return new WxpayApiError(raw.status, body, requestId, false);
    const verified = await this.keys.verify(sp, raw.headers, text);
    return verified.ok
      ? new WxpayApiError(raw.status, body, requestId, true)
      : new WxpaySignatureError(verified.reason, verified.serial, requestId);
  }
}

/**
 * True when a downloaded bill matches the `hash_type`/`hash_value` of its bill application.
 * WeChat Pay hashes the uncompressed bill, so pass `gzip: true` for tar_type=GZIP downloads.
 */
export function billHashMatches(content: Buffer, hashType: string, hashValue: string, opts: { gzip?: boolean } = {}): boolean {
  const algorithm = hashType.toLowerCase();
  if (algorithm !== 'sha1' && algorithm !== 'sha256') return false;
  const plain = opts.gzip ? gunzipSync(content) : content;
  return createHash(algorithm).update(plain).digest('hex') === hashValue.toLowerCase();
}
