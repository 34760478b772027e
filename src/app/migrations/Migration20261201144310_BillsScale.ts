import { Migration } from '@mikro-orm/migrations';

export class Migration20261201144310_BillsScale extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`payment_order\` add index \`payment_order_sp_success_idx\`(\`sp_mchid\`, \`success_time\`, \`out_trade_no\`);`,
    );

    this.addSql(`alter table \`reconciliation\` add \`rows_purged_at\` bigint null;`);
    this.addSql(`alter table \`reconciliation\` add index \`reconciliation_purge_idx\`(\`rows_purged_at\`, \`finished_at\`);`);

    this.addSql(`alter table \`refund\` add index \`refund_sp_created_idx\`(\`sp_mchid\`, \`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`reconciliation\` drop index \`reconciliation_purge_idx\`;`);
    this.addSql(`alter table \`reconciliation\` drop column \`rows_purged_at\`;`);

    this.addSql(`alter table \`refund\` drop index \`refund_sp_created_idx\`;`);

    this.addSql(`alter table \`payment_order\` drop index \`payment_order_sp_success_idx\`;`);
  }
}
