/** The wxpay feature's entities (imported once from src/entities.ts). */
import './platform-keys/platform-certificate.entity';
