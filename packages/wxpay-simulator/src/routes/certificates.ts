import { rfc3339, encryptResource } from '@partnerpay/wxpay';
import type { ApiRoutes } from '../http';
import type { SimCore } from '../core';
import { WxError } from '../errors';

/** GET /v3/certificates: the platform certificate, AES-GCM-encrypted with the caller's APIv3 key (spec §2.1). */
export function registerCertificateRoutes(api: ApiRoutes, core: SimCore): void {
  api.route('get', '/v3/certificates', ({ provider }) => {
    // Accounts on the public-key scheme have no platform certificate, exactly as on WeChat Pay.
    if (provider.verification === 'public_key')
      throw WxError.resourceNotExists('无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥');
    const id = core.identity;
    const { nonce, ciphertext, associated_data, algorithm } = encryptResource(id.certificatePem, provider.apiv3Key, 'certificate');
    return {
      status: 200,
      body: {
        data: [
          {
            serial_no: id.certificateSerial,
            effective_time: rfc3339(id.notBefore.getTime()),
            expire_time: rfc3339(id.notAfter.getTime()),
            encrypt_certificate: { algorithm, nonce, associated_data, ciphertext },
          },
        ],
      },
    };
  });
}
