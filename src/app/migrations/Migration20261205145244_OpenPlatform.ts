import { Migration } from '@mikro-orm/migrations';

export class Migration20261205145244_OpenPlatform extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`open_platform\` (\`component_appid\` varchar(32) not null, \`name\` varchar(128) not null, \`component_appsecret\` varchar(255) not null, \`token\` varchar(255) not null, \`encoding_aes_key\` varchar(255) not null, \`previous_encoding_aes_key\` varchar(255) null, \`ticket\` varchar(512) null, \`ticket_created_at\` bigint null, \`ticket_received_at\` bigint null, \`access_token\` text null, \`access_token_expires_at\` bigint null, \`access_token_version\` int not null default 0, \`token_fetched_at\` bigint null, \`refresh_owner\` varchar(40) null, \`refresh_until\` bigint null, \`token_error\` varchar(255) null, \`token_error_at\` bigint null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`component_appid\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`open_platform_authorization\` (\`id\` varchar(40) not null, \`component_appid\` varchar(32) not null, \`authorizer_appid\` varchar(32) not null, \`tenant_id\` varchar(40) null, \`state\` varchar(16) not null, \`func_info\` text not null, \`authorizer_access_token\` text null, \`authorizer_access_token_expires_at\` bigint null, \`authorizer_refresh_token\` text null, \`last_auth_code_hash\` varchar(64) null, \`state_changed_at\` bigint not null, \`authorized_at\` bigint null, \`unauthorized_at\` bigint null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`open_platform_authorization\` add index \`open_platform_authorization_authorizer_appid_index\`(\`authorizer_appid\`);`,
    );
    this.addSql(`alter table \`open_platform_authorization\` add index \`open_platform_authorization_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(
      `alter table \`open_platform_authorization\` add unique \`open_platform_authorization_pair_unique\`(\`component_appid\`, \`authorizer_appid\`);`,
    );

    this.addSql(
      `create table \`open_platform_link\` (\`id\` varchar(40) not null, \`component_appid\` varchar(32) not null, \`tenant_id\` varchar(40) not null, \`pre_auth_code\` varchar(255) not null, \`expires_at\` bigint not null, \`authorizer_appid\` varchar(32) null, \`auth_code_hash\` varchar(64) null, \`completed_at\` bigint null, \`created_by\` varchar(64) not null, \`created_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`open_platform_link\` add index \`open_platform_link_component_appid_index\`(\`component_appid\`);`);
    this.addSql(`alter table \`open_platform_link\` add index \`open_platform_link_created_at_index\`(\`created_at\`);`);
    this.addSql(`alter table \`open_platform_link\` add unique \`open_platform_link_pre_auth_code_unique\`(\`pre_auth_code\`);`);

    this.addSql(`alter table \`app_binding\` add \`authorized\` tinyint(1) not null default true;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`open_platform\`;`);

    this.addSql(`drop table if exists \`open_platform_authorization\`;`);

    this.addSql(`drop table if exists \`open_platform_link\`;`);

    this.addSql(`alter table \`app_binding\` drop column \`authorized\`;`);
  }
}
