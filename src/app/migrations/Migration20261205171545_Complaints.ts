import { Migration } from '@mikro-orm/migrations';

export class Migration20261205171545_Complaints extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`complaint\` (\`id\` varchar(40) not null, \`sp_mchid\` varchar(32) not null, \`complaint_id\` varchar(64) not null, \`sub_mchid\` varchar(32) not null, \`tenant_id\` varchar(40) null, \`state\` varchar(32) not null, \`complaint_time\` bigint not null, \`out_trade_no\` varchar(64) null, \`transaction_id\` varchar(64) null, \`detail\` text not null, \`history\` text not null, \`payer_phone_sealed\` text null, \`payer_phone_masked\` varchar(32) null, \`fingerprint\` varchar(64) not null, \`respond_by\` bigint not null, \`responded_at\` bigint null, \`overdue_at\` bigint null, \`version\` int not null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`complaint\` add index \`complaint_respond_by_index\`(\`respond_by\`);`);
    this.addSql(`alter table \`complaint\` add index \`complaint_tenant_time_idx\`(\`tenant_id\`, \`complaint_time\`);`);
    this.addSql(`alter table \`complaint\` add unique \`complaint_id_sp_uq\`(\`complaint_id\`, \`sp_mchid\`);`);

    this.addSql(
      `create table \`complaint_sync\` (\`sp_mchid\` varchar(32) not null, \`lease_until\` bigint null, \`lease_owner\` varchar(64) null, \`last_sync_at\` bigint null, \`last_error\` varchar(255) null, primary key (\`sp_mchid\`)) default character set utf8mb4 engine = InnoDB;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`complaint\`;`);

    this.addSql(`drop table if exists \`complaint_sync\`;`);
  }
}
