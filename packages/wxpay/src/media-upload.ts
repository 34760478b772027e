import { randomBytes } from 'node:crypto';
import type { WxpayCall } from './client-port';

/**
 * The multipart body of `/v3/merchant/media/upload` exactly as WeChat Pay's Go SDK builds it (spec
 * addendum §1.9): a `meta` part holding the meta JSON (the very string that is signed), then the
 * `file` part. The boundary is random so it never occurs in the file (checked, re-drawn otherwise).
 */
export function multipartPayload(m: NonNullable<WxpayCall['multipart']>): { bytes: Buffer; contentType: string } {
  let boundary = randomBytes(16).toString('hex');
  while (m.file.includes(boundary)) boundary = randomBytes(16).toString('hex');
  // The filename is ours (validated [A-Za-z0-9._-]), so it needs no quoting rules beyond the quotes.
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="meta";\r\nContent-Type: application/json\r\n\r\n${m.meta}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${m.filename}"\r\nContent-Type: ${m.contentType}\r\n\r\n`;
  const bytes = Buffer.concat([Buffer.from(head, 'utf8'), m.file, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
  return { bytes, contentType: `multipart/form-data; boundary=${boundary}` };
}
