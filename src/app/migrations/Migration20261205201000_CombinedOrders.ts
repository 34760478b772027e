import { Migration } from '@mikro-orm/migrations';

/** 合单 (docs/combined-orders.md): platform keys, combined orders, and each sub-order's link to its combined order. */
export class Migration20261205201000_CombinedOrders extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`platform_key\` (\`id\` varchar(40) not null, \`sp_mchid\` varchar(16) not null, \`name\` varchar(64) null, \`prefix\` varchar(16) not null, \`hash\` varchar(64) not null, \`created_at\` bigint not null, \`last_used_at\` bigint null, \`revoked_at\` bigint null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`platform_key_sp_mchid_index\` on \`platform_key\` (\`sp_mchid\`);`);
    this.addSql(`alter table \`platform_key\` add constraint \`platform_key_hash_unique\` unique (\`hash\`);`);
    this.addSql(
      `create table \`combined_order\` (\`id\` varchar(40) not null, \`sp_mchid\` varchar(16) not null, \`combine_out_trade_no\` varchar(32) not null, \`trade_type\` varchar(8) not null, \`payer_openid\` varchar(128) not null, \`scene_info\` text null, \`request_hash\` varchar(64) not null, \`sub_orders\` text not null, \`prepay_id\` varchar(64) null, \`prepay_at\` bigint null, \`code_url\` varchar(255) null, \`time_expire\` bigint not null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`id\`));`,
    );
    this.addSql(
      `alter table \`combined_order\` add constraint \`combined_order_sp_out_trade_no_unique\` unique (\`sp_mchid\`, \`combine_out_trade_no\`);`,
    );
    this.addSql(`alter table \`payment_order\` add \`combine_out_trade_no\` varchar(32) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`payment_order\` drop column \`combine_out_trade_no\`;`);
    this.addSql(`drop table if exists \`combined_order\`;`);
    this.addSql(`drop table if exists \`platform_key\`;`);
  }
}
