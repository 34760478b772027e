import type { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ServiceProviderCredentials } from './credentials';
import type { VerifyResult } from './crypto';

/** One call to WeChat Pay APIv3. The tenant (sp_mchid via `sp`, sub_mchid in path/body) travels with the call. */
export interface WxpayCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path without host, e.g. `/v3/pay/partner/transactions/jsapi`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** JSON body; serialised once, and those exact bytes are signed and sent. */
  body?: unknown;
  /** True when retrying is safe (GET, or a POST WeChat Pay deduplicates by out_trade_no / out_refund_no). */
  idempotent?: boolean;
  /** A file upload (`/v3/merchant/media/upload`): sent as multipart, signed over the meta JSON only (see media-upload.ts). */
  multipart?: { meta: string; filename: string; contentType: string; file: Buffer };
  /** Extra request headers, e.g. `Wechatpay-Serial` when the body holds RSA-OAEP encrypted fields (see sensitive.ts). */
  headers?: Record<string, string>;
}

export interface WxpayResponse<T> {
  status: number;
  /** Parsed JSON body (undefined for 204). */
  data: T;
  /** WeChat Pay's Request-ID header, for support tickets. */
  requestId?: string;
}

/**
 * The signed, verified transport to WeChat Pay (bound to TOKENS.Wxpay). Failures are typed errors
 * with `problem()` (see errors.ts): transport (no answer; 504 UPSTREAM_TIMEOUT or 502, detail.retryable),
 * API (HTTP status + WeChat `code`/`message`/`detail` + Request-ID; 502 UPSTREAM_ERROR with
 * detail.upstream), signature, malformed, decryption.
 */
export interface WxpayClient {
  call<T = unknown>(sp: ServiceProviderCredentials, req: WxpayCall): Promise<WxpayResponse<T>>;
  /**
   * Fetches a bill file from a `download_url` WeChat Pay gave us (signed request; the answer is NOT
   * signed by WeChat Pay, so check its SHA1 with `billHashMatches`). Only URLs on the configured hosts.
   * Optional so that fakes of this port need not implement it; the real client (TOKENS.Wxpay) does.
   */
  download?(sp: ServiceProviderCredentials, downloadUrl: string): Promise<WxpayDownload>;
  /** Like download, but the body is a stream consumed by the caller (trade bills: never held in memory). Optional like download. */
  downloadStream?(sp: ServiceProviderCredentials, downloadUrl: string): Promise<WxpayDownloadStream>;
}

/** A bill file being downloaded: its bytes as they arrive (a 2xx answer; errors are thrown before). */
export interface WxpayDownloadStream {
  status: number;
  body: Readable;
  contentType?: string;
  requestId?: string;
}

/** A downloaded bill file: raw bytes (gzip when requested with tar_type=GZIP). */
export interface WxpayDownload {
  status: number;
  body: Buffer;
  contentType?: string;
  requestId?: string;
}

/** WeChat Pay's signing keys per service provider (bound to TOKENS.PlatformKeys). */
export interface PlatformKeys {
  /** The key for `serial` (a certificate serial or PUB_KEY_ID_...), refreshing certificates at most once a minute on an unknown serial. */
  keyFor(sp: ServiceProviderCredentials, serial: string): Promise<KeyObject | undefined>;
  /** Verifies a response or notification signature over its raw body (headers by lower-case name). */
  verify(
    sp: ServiceProviderCredentials,
    headers: Record<string, string | string[] | undefined>,
    rawBody: string | Buffer,
  ): Promise<VerifyResult>;
  /**
   * The key to RSA-OAEP encrypt sensitive fields with, and the serial to send as `Wechatpay-Serial`:
   * the WeChat Pay public key in public-key mode, else the newest valid platform certificate.
   * Optional so that fakes of this port need not implement it; the real one (TOKENS.PlatformKeys) does.
   */
  encryptionKey?(sp: ServiceProviderCredentials): Promise<{ serial: string; key: KeyObject }>;
}
