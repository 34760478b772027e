import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../../platform/errors/errors';

/** WeChat Pay's limit for onboarding images (普通服务商 进件 page, spec addendum §1.9). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** The image types WeChat Pay accepts, recognised by their first bytes (never by the name a client chose). */
const MAGIC: Array<{ ext: string; contentType: string; bytes: number[] }> = [
  { ext: 'jpg', contentType: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { ext: 'png', contentType: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { ext: 'bmp', contentType: 'image/bmp', bytes: [0x42, 0x4d] },
];

/** The image type of `bytes` by magic number, or undefined. */
export function imageType(bytes: Buffer): { ext: string; contentType: string } | undefined {
  const m = MAGIC.find((x) => bytes.length > x.bytes.length && x.bytes.every((b, i) => bytes[i] === b));
  return m && { ext: m.ext, contentType: m.contentType };
}

/** A parsed upload: the form fields and the one file. */
export interface Upload {
  fields: Record<string, string>;
  file?: { bytes: Buffer; truncated: boolean };
}

const bad = (field: string, issue: string) => AppError.invalid([{ field, issue }]);

/** Room for the multipart framing and the small fields around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/**
 * 400 for a file over the cap, answered at once and with the connection closed afterwards: the rest
 * of the body is never read (an attacker cannot make us read gigabytes to refuse them).
 */
const tooLarge = () =>
  new AppError(
    'PARAM_ERROR',
    `invalid request: file is larger than ${MAX_IMAGE_BYTES} bytes (2 MB)`,
    { fields: [{ field: 'file', issue: `is larger than ${MAX_IMAGE_BYTES} bytes (2 MB)` }] },
    { headers: { Connection: 'close' } },
  );

/**
 * Reads a multipart/form-data request with busboy: small text fields, at most one file part named
 * `file`. A file over MAX_IMAGE_BYTES (or a Content-Length that cannot fit under it) is refused as
 * soon as it is known, without reading the rest of the body.
 */
export function readUpload(req: Request): Promise<Upload> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type))
    return Promise.reject(bad('file', 'send multipart/form-data with the fields sp_mchid and file'));
  if (Number(req.headers['content-length'] ?? 0) > MAX_IMAGE_BYTES + FORM_OVERHEAD_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 8, fieldSize: 1024, parts: 10 } });
    } catch {
      return reject(bad('file', 'the multipart body has no boundary'));
    }
    const out: Upload = { fields: {} };
    bb.on('field', (name, value) => (out.fields[name] = value));
    bb.on('file', (name, stream) => {
      if (name !== 'file') return void stream.resume();
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('limit', () => {
        out.file = { bytes: Buffer.alloc(0), truncated: true };
        req.unpipe(bb);
        req.pause();
        reject(tooLarge());
      });
      stream.on('close', () => {
        if (!out.file?.truncated) out.file = { bytes: Buffer.concat(chunks), truncated: false };
      });
    });
    bb.on('error', () => reject(bad('file', 'the multipart body is malformed')));
    bb.on('close', () => resolve(out));
    req.pipe(bb);
  });
}

/** Checks an upload: a JPG/PNG/BMP image of 1 byte .. 2 MB (400 PARAM_ERROR naming the problem). */
export function checkImage(upload: Upload): { bytes: Buffer; ext: string; contentType: string } {
  const f = upload.file;
  if (!f) throw bad('file', 'is required (a JPG, PNG or BMP image)');
  if (f.truncated) throw bad('file', `is larger than ${MAX_IMAGE_BYTES} bytes (2 MB)`);
  if (!f.bytes.length) throw bad('file', 'is empty');
  const t = imageType(f.bytes);
  if (!t) throw bad('file', 'is not a JPG, PNG or BMP image (checked by its content)');
  return { bytes: f.bytes, ...t };
}
