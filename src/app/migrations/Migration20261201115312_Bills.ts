import { Migration } from '@mikro-orm/migrations';

export class Migration20261201115312_Bills extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`bill_file\` (\`id\` varchar(40) not null, \`reconciliation_id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`sub_mchid\` varchar(16) not null, \`bill_date\` varchar(10) not null, \`account_type\` varchar(16) not null, \`hash_value\` varchar(64) null, \`content\` longtext not null, \`created_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`bill_file\` add index \`bill_file_tenant_date_idx\`(\`tenant_id\`, \`bill_date\`);`);

    this.addSql(
      `create table \`bill_row\` (\`reconciliation_id\` varchar(40) not null, \`seq\` int unsigned not null, \`tenant_id\` varchar(40) null, \`sub_mchid\` varchar(16) not null, \`kind\` varchar(8) not null, \`trade_time\` bigint not null, \`transaction_id\` varchar(32) not null, \`out_trade_no\` varchar(32) not null, \`out_refund_no\` varchar(64) null, \`amount\` bigint not null, \`fee_milli\` bigint not null, \`refund_status\` varchar(16) null, \`line\` varchar(2048) not null, primary key (\`reconciliation_id\`, \`seq\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`bill_row\` add index \`bill_row_trade_idx\`(\`reconciliation_id\`, \`kind\`, \`out_trade_no\`);`);
    this.addSql(`alter table \`bill_row\` add index \`bill_row_tenant_idx\`(\`reconciliation_id\`, \`tenant_id\`, \`seq\`);`);

    this.addSql(
      `create table \`discrepancy\` (\`id\` varchar(40) not null, \`reconciliation_id\` varchar(40) not null, \`tenant_id\` varchar(40) null, \`sub_mchid\` varchar(16) not null, \`kind\` varchar(24) not null, \`out_trade_no\` varchar(32) not null, \`out_refund_no\` varchar(64) null, \`local_id\` varchar(40) null, \`bill_amount\` bigint null, \`local_amount\` bigint null, \`bill_state\` varchar(16) null, \`local_state\` varchar(16) null, \`status\` varchar(16) not null, \`note\` varchar(255) null, \`created_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`discrepancy\` add index \`discrepancy_run_tenant_idx\`(\`reconciliation_id\`, \`tenant_id\`, \`kind\`);`);

    this.addSql(
      `create table \`reconciliation\` (\`id\` varchar(40) not null, \`sp_mchid\` varchar(16) not null, \`bill_date\` varchar(10) not null, \`generation\` int not null, \`status\` varchar(16) not null, \`error\` varchar(512) null, \`bill_rows\` int null, \`hash_verified\` tinyint(1) not null, \`summary\` text null, \`tenants\` longtext null, \`attempts\` int not null, \`next_attempt_at\` bigint not null, \`lease_until\` bigint null, \`started_at\` bigint null, \`finished_at\` bigint null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`reconciliation\` add index \`reconciliation_status_next_idx\`(\`status\`, \`next_attempt_at\`);`);
    this.addSql(
      `alter table \`reconciliation\` add unique \`reconciliation_sp_date_gen_unique\`(\`sp_mchid\`, \`bill_date\`, \`generation\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`bill_file\`;`);

    this.addSql(`drop table if exists \`bill_row\`;`);

    this.addSql(`drop table if exists \`discrepancy\`;`);

    this.addSql(`drop table if exists \`reconciliation\`;`);
  }
}
