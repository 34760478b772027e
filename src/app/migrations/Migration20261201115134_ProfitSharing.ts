import { Migration } from '@mikro-orm/migrations';

export class Migration20261201115134_ProfitSharing extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`ps_order\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`order_id\` varchar(40) not null, \`sp_mchid\` varchar(16) not null, \`sub_mchid\` varchar(16) not null, \`out_trade_no\` varchar(32) not null, \`transaction_id\` varchar(32) not null, \`out_order_no\` varchar(64) not null, \`kind\` varchar(8) not null, \`wx_order_id\` varchar(64) null, \`state\` varchar(16) not null, \`amount\` int not null, \`receivers\` text not null, \`unfreeze_unsplit\` tinyint(1) not null, \`description\` varchar(80) null, \`request_hash\` varchar(64) not null, \`next_poll_at\` bigint not null, \`attempts\` int not null, \`lease_until\` bigint not null, \`finished_at\` bigint null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`ps_order\` add index \`ps_order_order_idx\`(\`order_id\`);`);
    this.addSql(`alter table \`ps_order\` add index \`ps_order_state_poll_idx\`(\`state\`, \`next_poll_at\`);`);
    this.addSql(`alter table \`ps_order\` add index \`ps_order_tenant_created_idx\`(\`tenant_id\`, \`created_at\`);`);
    this.addSql(`alter table \`ps_order\` add unique \`ps_order_sp_out_order_no_unique\`(\`sp_mchid\`, \`out_order_no\`);`);

    this.addSql(
      `create table \`ps_receiver\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`type\` varchar(24) not null, \`account\` varchar(64) not null, \`relation_type\` varchar(24) not null, \`custom_relation\` varchar(16) null, \`name_mask\` varchar(64) null, \`created_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`ps_receiver\` add unique \`ps_receiver_tenant_account_unique\`(\`tenant_id\`, \`type\`, \`account\`);`);

    this.addSql(
      `create table \`ps_return\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`split_id\` varchar(40) not null, \`sp_mchid\` varchar(16) not null, \`sub_mchid\` varchar(16) not null, \`out_order_no\` varchar(64) not null, \`out_return_no\` varchar(64) not null, \`return_mchid\` varchar(32) not null, \`amount\` int not null, \`description\` varchar(80) not null, \`request_hash\` varchar(64) not null, \`state\` varchar(16) not null, \`return_id\` varchar(64) null, \`fail_reason\` varchar(32) null, \`next_poll_at\` bigint not null, \`attempts\` int not null, \`lease_until\` bigint not null, \`finished_at\` bigint null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`ps_return\` add index \`ps_return_split_idx\`(\`split_id\`);`);
    this.addSql(`alter table \`ps_return\` add index \`ps_return_state_poll_idx\`(\`state\`, \`next_poll_at\`);`);
    this.addSql(`alter table \`ps_return\` add unique \`ps_return_sp_out_return_no_unique\`(\`sp_mchid\`, \`out_return_no\`);`);

    this.addSql(`alter table \`payment_order\` add \`profit_sharing\` int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`ps_order\`;`);

    this.addSql(`drop table if exists \`ps_receiver\`;`);

    this.addSql(`drop table if exists \`ps_return\`;`);

    this.addSql(`alter table \`payment_order\` drop column \`profit_sharing\`;`);
  }
}
