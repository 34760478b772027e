import type { Request } from 'express';
import { WxError } from './errors';

const CRLF2 = Buffer.from('\r\n\r\n');

/** A multipart upload as /v3/merchant/media/upload receives it (spec addendum §1.9). */
export interface UploadParts {
  /** The `meta` part exactly as sent (the signed BODY). */
  meta: string;
  file: Buffer;
  filename?: string;
  contentType?: string;
  /** Part names in the order they came. */
  order: string[];
}

/**
 * Reads the raw multipart body (express.raw kept it as a Buffer) into its parts, in order. Written
 * by hand rather than with busboy because WeChat Pay's own SDKs send `Content-Disposition: form-data;
 * name="meta";` (a trailing `;`) which strict parsers skip, and WeChat Pay accepts it.
 */
export function parseUpload(req: Request): Promise<UploadParts> {
  return new Promise((resolve, reject) => {
    try {
      resolve(parse(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.get('content-type') ?? ''));
    } catch (e) {
      reject(e);
    }
  });
}

function parse(raw: Buffer, contentType: string): UploadParts {
  const m = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw WxError.param('Content-Type', '必须为multipart/form-data并带boundary', 'header');
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const out: Partial<UploadParts> & { order: string[] } = { order: [] };
  let at = raw.indexOf(delimiter);
  if (at < 0) throw WxError.param('/', 'multipart格式错误 (no boundary in the body)');
  for (;;) {
    at += delimiter.length;
    if (raw.subarray(at, at + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, at);
    if (next < 0) throw WxError.param('/', 'multipart格式错误 (no closing boundary)');
    // A part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = raw.subarray(at + 2, next - 2);
    const split = part.indexOf(CRLF2);
    if (split < 0) throw WxError.param('/', 'multipart格式错误 (a part without headers)');
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim();
    if (name) out.order.push(name);
    if (name === 'meta') out.meta = content.toString('utf8');
    if (name === 'file') Object.assign(out, { file: Buffer.from(content), filename, contentType: type });
    at = next;
  }
  if (out.meta === undefined) throw WxError.param('/meta', 'meta必填（第一部分，JSON {filename, sha256}）');
  if (!out.file) throw WxError.param('/file', '必填');
  return out as UploadParts;
}
