import type { Database } from '../../platform/db/database';
import type { CertificateInfo, CertificateStore as CertificateStorePort } from '@partnerpay/wxpay';
import { WxpayPlatformCertificateEntity as E, type WxpayPlatformCertificate } from './platform-certificate.entity';

/** A stored certificate row, as read back. */
type StoredCertificate = Pick<WxpayPlatformCertificate, 'serialNo' | 'pem' | 'fetchedAt'>;

/**
 * The SDK's CertificateStore port on the wxpay_platform_certificate table: the only code that reads
 * or writes it (and the key report reads the list). It goes
 * through MikroORM's query builder on a fresh fork (off the hot path; the ORM converts the DATETIME
 * columns per dialect), so nothing here is raw SQL.
 */
export class CertificateStore implements CertificateStorePort {
  constructor(private readonly db: Database) {}

  /** The certificates of `spMchid` not yet expired at `nowMs`. */
  async load(spMchid: string, nowMs: number): Promise<StoredCertificate[]> {
    const rows = await this.db.orm.em
      .fork()
      .find(E, { spMchid, notAfter: { $gt: new Date(nowMs) } }, { fields: ['serialNo', 'pem', 'fetchedAt'] });
    return rows.map((r) => ({ serialNo: r.serialNo, pem: r.pem, fetchedAt: r.fetchedAt }));
  }

  /** Inserts new certificates and refreshes fetched_at of known ones (one upsert; safe when processes race). */
  async save(spMchid: string, certs: CertificateInfo[], nowMs: number): Promise<void> {
    if (!certs.length) return;
    const fetchedAt = new Date(nowMs);
    await this.db.orm.em.fork().upsertMany(
      E,
      certs.map((c) => ({ spMchid, serialNo: c.serialNo, pem: c.pem, notBefore: c.notBefore, notAfter: c.notAfter, fetchedAt })),
      { onConflictFields: ['spMchid', 'serialNo'], onConflictAction: 'merge', onConflictMergeFields: ['fetchedAt'] },
    );
  }

  /** Every stored certificate of `spMchid`, expired ones included (the key report shows their validity). */
  async list(spMchid: string): Promise<Array<Pick<WxpayPlatformCertificate, 'serialNo' | 'notBefore' | 'notAfter' | 'fetchedAt'>>> {
    const rows = await this.db.orm.em
      .fork()
      .find(E, { spMchid }, { fields: ['serialNo', 'notBefore', 'notAfter', 'fetchedAt'], orderBy: { notAfter: 'desc' } });
    return rows.map((r) => ({ serialNo: r.serialNo, notBefore: r.notBefore, notAfter: r.notAfter, fetchedAt: r.fetchedAt }));
  }
}
