/**
 * Imports every feature's entity module so that they register themselves with the ORM.
 * Add one line per feature.
 */
import './secrets/data-key.entity';
import './tenancy/tenancy.entities';
import './operators/operator.entity';
import './audit/audit.entity';
import './wxpay/entities';
import './events/event.entity';
import './orders/order.entity';
import './idempotency/idempotency.entity';
import './notifications/notification.entity';
import './refunds/refund.entity';
import './onboarding/applyment.entity';
import './profit-sharing/profit-sharing.entities';
import './bills/bills.entities';
