import { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import type { UploadParts } from './http';
import { WxError } from './errors';

/** Reads the raw multipart body (express.raw kept it as a Buffer) into its meta and file parts, in order. */
export function parseUpload(req: Request): Promise<UploadParts> {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fields: 4, fieldSize: 4096 } });
    } catch {
      return reject(WxError.param('Content-Type', '必须为multipart/form-data并带boundary', 'header'));
    }
    const out: Partial<UploadParts> & { order: string[] } = { order: [] };
    bb.on('field', (name, value) => {
      out.order.push(name);
      if (name === 'meta') out.meta = value;
    });
    bb.on('file', (name, stream, info) => {
      out.order.push(name);
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('close', () => {
        if (name === 'file') Object.assign(out, { file: Buffer.concat(chunks), filename: info.filename, contentType: info.mimeType });
      });
    });
    bb.on('error', () => reject(WxError.param('/', 'multipart格式错误')));
    bb.on('close', () => {
      if (out.meta === undefined) return reject(WxError.param('/meta', 'is required (the first part, JSON {filename, sha256})'));
      if (!out.file) return reject(WxError.param('/file', 'is required'));
      resolve(out as UploadParts);
    });
    Readable.from([raw]).pipe(bb);
  });
}
