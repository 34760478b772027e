import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

/**
 * A WeChat Pay platform certificate of one service provider, kept so that a restart can verify
 * answers without asking WeChat Pay first. Certificates are public: the PEM is stored as is.
 */
export const WxpayPlatformCertificateEntity = defineEntity({
  name: 'WxpayPlatformCertificate',
  tableName: 'wxpay_platform_certificate',
  properties: {
    id: p.integer().primary().autoincrement(),
    spMchid: p.string().length(32),
    /** Upper-case hex serial, as WeChat Pay writes it in Wechatpay-Serial. */
    serialNo: p.string().length(64),
    pem: p.text(),
    notBefore: p.datetime(),
    notAfter: p.datetime(),
    fetchedAt: p.datetime(),
  },
  uniques: [{ name: 'wxpay_platform_certificate_sp_serial_unique', properties: ['spMchid', 'serialNo'] }],
});

/** One stored platform certificate. */
export type WxpayPlatformCertificate = RowOf<typeof WxpayPlatformCertificateEntity>;
/** The wxpay_platform_certificate table. */
export const WXPAY_PLATFORM_CERTIFICATE = table(WxpayPlatformCertificateEntity);
