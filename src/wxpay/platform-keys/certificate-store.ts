import type { Orm } from '../../common/db/orm';
import type { CertificateInfo } from '../../crypto';
import { WxpayPlatformCertificateSchema, type WxpayPlatformCertificate } from './platform-certificate.entity';

/** A stored certificate row, as read back. */
export type StoredCertificate = Pick<WxpayPlatformCertificate, 'serialNo' | 'pem' | 'fetchedAt'>;

/** Persists platform certificates per service provider (table wxpay_platform_certificate). */
export class CertificateStore {
  constructor(private readonly orm: Orm) {}

  /** The certificates of `spMchid` not yet expired at `nowMs`. */
  async load(spMchid: string, nowMs: number): Promise<StoredCertificate[]> {
    const em = this.orm.em.fork();
    const rows = await em.find(
      WxpayPlatformCertificateSchema,
      { spMchid, notAfter: { $gt: new Date(nowMs) } },
      { fields: ['serialNo', 'pem', 'fetchedAt'] },
    );
    return rows.map((r) => ({ serialNo: r.serialNo, pem: r.pem, fetchedAt: r.fetchedAt }));
  }

  /** Inserts new certificates and refreshes fetched_at of known ones (one upsert; safe when processes race). */
  async save(spMchid: string, certs: CertificateInfo[], nowMs: number): Promise<void> {
    if (!certs.length) return;
    const em = this.orm.em.fork();
    const fetchedAt = new Date(nowMs);
    await em.upsertMany(
      WxpayPlatformCertificateSchema,
      certs.map((c) => ({ spMchid, serialNo: c.serialNo, pem: c.pem, notBefore: c.notBefore, notAfter: c.notAfter, fetchedAt })),
      { onConflictFields: ['spMchid', 'serialNo'], onConflictAction: 'merge', onConflictMergeFields: ['fetchedAt'] },
    );
  }

  /** Every stored certificate of `spMchid`, expired ones included (the key report shows their validity). */
  async list(spMchid: string): Promise<Array<Pick<WxpayPlatformCertificate, 'serialNo' | 'notBefore' | 'notAfter' | 'fetchedAt'>>> {
    const rows = await this.orm.em
      .fork()
      .find(
        WxpayPlatformCertificateSchema,
        { spMchid },
        { fields: ['serialNo', 'notBefore', 'notAfter', 'fetchedAt'], orderBy: { notAfter: 'desc' } },
      );
    return rows.map((r) => ({ serialNo: r.serialNo, notBefore: r.notBefore, notAfter: r.notAfter, fetchedAt: r.fetchedAt }));
  }
}
