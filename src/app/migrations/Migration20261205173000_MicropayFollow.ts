import { Migration } from '@mikro-orm/migrations';

/** 付款码 charges still open are followed with WeChat Pay (src/modules/payments/micropay.service.ts): when next to ask. */
export class Migration20261205173000_MicropayFollow extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`payment_order\` add \`follow_at\` bigint null;`);
    this.addSql(`alter table \`payment_order\` add index \`payment_order_follow_idx\`(\`follow_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`payment_order\` drop index \`payment_order_follow_idx\`;`);
    this.addSql(`alter table \`payment_order\` drop column \`follow_at\`;`);
  }
}
