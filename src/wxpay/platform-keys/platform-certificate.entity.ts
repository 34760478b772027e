import { EntitySchema } from '@mikro-orm/core';

/**
 * A WeChat Pay platform certificate of one service provider, kept so that a restart can verify
 * answers without asking WeChat Pay first. Certificates are public: the PEM is stored as is.
 */
export interface WxpayPlatformCertificate {
  id: number;
  spMchid: string;
  /** Upper-case hex serial, as WeChat Pay writes it in Wechatpay-Serial. */
  serialNo: string;
  pem: string;
  notBefore: Date;
  notAfter: Date;
  fetchedAt: Date;
}

export const WxpayPlatformCertificateSchema = new EntitySchema<WxpayPlatformCertificate>({
  name: 'WxpayPlatformCertificate',
  tableName: 'wxpay_platform_certificate',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    spMchid: { type: 'string', length: 32, fieldName: 'sp_mchid' },
    serialNo: { type: 'string', length: 64, fieldName: 'serial_no' },
    pem: { type: 'text' },
    notBefore: { type: 'datetime', fieldName: 'not_before' },
    notAfter: { type: 'datetime', fieldName: 'not_after' },
    fetchedAt: { type: 'datetime', fieldName: 'fetched_at' },
  },
  uniques: [{ name: 'wxpay_platform_certificate_sp_serial_unique', properties: ['spMchid', 'serialNo'] }],
});
