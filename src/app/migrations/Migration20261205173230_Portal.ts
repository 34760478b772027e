import { Migration } from '@mikro-orm/migrations';

export class Migration20261205173230_Portal extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`portal_session\` (\`token_hash\` varchar(64) not null, \`user_id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`created_at\` bigint not null, \`expires_at\` bigint not null, primary key (\`token_hash\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`portal_session\` add index \`portal_session_user_idx\`(\`user_id\`);`);

    this.addSql(
      `create table \`tenant_user\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`login\` varchar(128) not null, \`role\` varchar(16) not null, \`password_hash\` varchar(255) null, \`totp_secret\` text null, \`totp_enabled\` int not null, \`invite_token_hash\` varchar(64) null, \`invite_expires_at\` bigint null, \`invite_used_at\` bigint null, \`failed_sign_ins\` int not null, \`locked_until\` bigint null, \`invited_by\` varchar(64) not null, \`created_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`tenant_user\` add index \`tenant_user_tenant_idx\`(\`tenant_id\`, \`created_at\`);`);
    this.addSql(`alter table \`tenant_user\` add unique \`tenant_user_login_unique\`(\`login\`);`);
    this.addSql(`alter table \`tenant_user\` add unique \`tenant_user_invite_hash_unique\`(\`invite_token_hash\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`portal_session\`;`);

    this.addSql(`drop table if exists \`tenant_user\`;`);
  }
}
