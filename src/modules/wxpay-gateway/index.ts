/** The WeChat Pay gateway's public face: the SDK bound into the container, the certificate store and key usage. */
export { wxpayGatewayModule } from './wxpay-gateway.module';
export { KeyUsage, PUBLIC_KEY_PREFIX, verifiedByOf, type KeyUse } from './key-usage';
export { CertificateStore } from './certificate-store';
