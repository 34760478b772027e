import { Migration } from '@mikro-orm/migrations';

/** The admin lists' lookups by WeChat Pay's transaction_id and by out_refund_no (across providers) read an index. */
export class Migration20261205200000_LookupIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`payment_order\` add index \`payment_order_transaction_idx\`(\`transaction_id\`);`);
    this.addSql(`alter table \`refund\` add index \`refund_out_refund_no_idx\`(\`out_refund_no\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`refund\` drop index \`refund_out_refund_no_idx\`;`);
    this.addSql(`alter table \`payment_order\` drop index \`payment_order_transaction_idx\`;`);
  }
}
