import { Migration } from '@mikro-orm/migrations';

/** The prepay claim of the request that inserted an order (order.service.ts ensurePrepay): the database decides, no Redis lock. */
export class Migration20261206003100_PrepayClaim extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`payment_order\` add \`prepay_claim_until\` bigint null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`payment_order\` drop column \`prepay_claim_until\`;`);
  }
}
