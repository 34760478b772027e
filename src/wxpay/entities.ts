/** The wxpay feature's entities (imported once from src/entities.ts). */
import { registerEntities } from '../common/db/entities';
import { WxpayPlatformCertificateSchema } from './platform-keys/platform-certificate.entity';

registerEntities(WxpayPlatformCertificateSchema);
