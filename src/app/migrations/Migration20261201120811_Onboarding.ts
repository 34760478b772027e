import { Migration } from '@mikro-orm/migrations';

export class Migration20261201120811_Onboarding extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`applyment\` (\`id\` varchar(40) not null, \`sp_mchid\` varchar(32) not null, \`business_code\` varchar(124) not null, \`applyment_id\` varchar(32) null, \`state\` varchar(48) not null, \`state_desc\` varchar(256) null, \`audit_detail\` text null, \`sign_url\` varchar(512) null, \`sub_mchid\` varchar(32) null, \`tenant_id\` varchar(40) null, \`subject_type\` varchar(40) not null, \`merchant_name\` varchar(128) not null, \`legal_person_sealed\` text null, \`application_sealed\` text null, \`application_masked\` text not null, \`tenant_template\` text not null, \`last_error\` text null, \`next_poll_at\` bigint null, \`poll_count\` int not null, \`lease_until\` bigint null, \`lease_owner\` varchar(64) null, \`final_at\` bigint null, \`purged_at\` bigint null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`applyment\` add index \`applyment_state_index\`(\`state\`);`);
    this.addSql(`alter table \`applyment\` add index \`applyment_next_poll_at_index\`(\`next_poll_at\`);`);
    this.addSql(`alter table \`applyment\` add index \`applyment_created_at_index\`(\`created_at\`);`);
    this.addSql(`alter table \`applyment\` add unique \`applyment_sp_business_code_uq\`(\`sp_mchid\`, \`business_code\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`applyment\`;`);
  }
}
