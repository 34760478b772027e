import { Migration } from '@mikro-orm/migrations';

export class Migration20261127002509_InitialSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`app_binding\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`appid\` varchar(32) not null, \`type\` varchar(24) not null, \`dev_mode\` varchar(16) not null, \`claim\` varchar(80) not null, \`created_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`app_binding\` add index \`app_binding_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`app_binding\` add index \`app_binding_appid_index\`(\`appid\`);`);
    this.addSql(`alter table \`app_binding\` add unique \`app_binding_claim_unique\`(\`claim\`);`);
    this.addSql(`alter table \`app_binding\` add unique \`app_binding_tenant_appid_unique\`(\`tenant_id\`, \`appid\`);`);

    this.addSql(
      `create table \`audit_log\` (\`id\` int unsigned not null auto_increment primary key, \`actor\` varchar(64) not null, \`action\` varchar(64) not null, \`target\` varchar(128) not null, \`request_id\` varchar(128) null, \`before_json\` text null, \`after_json\` text null, \`at\` bigint not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`audit_log\` add index \`audit_log_actor_index\`(\`actor\`);`);
    this.addSql(`alter table \`audit_log\` add index \`audit_log_action_index\`(\`action\`);`);
    this.addSql(`alter table \`audit_log\` add index \`audit_log_target_index\`(\`target\`);`);
    this.addSql(`alter table \`audit_log\` add index \`audit_log_at_index\`(\`at\`);`);

    this.addSql(
      `create table \`data_key\` (\`id\` varchar(40) not null, \`master_key_id\` varchar(16) not null, \`wrapped\` varchar(255) not null, \`created_at\` bigint not null, \`rewrapped_at\` bigint null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`data_key\` add index \`data_key_master_key_id_index\`(\`master_key_id\`);`);

    this.addSql(
      `create table \`event_delivery_attempt\` (\`event_id\` varchar(40) not null, \`attempt\` int unsigned not null, \`at\` bigint not null, \`url\` varchar(2048) not null, \`http_status\` int null, \`duration_ms\` int not null, \`response_snippet\` varchar(255) null, \`error\` varchar(255) null, primary key (\`event_id\`, \`attempt\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`event\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`type\` varchar(32) not null, \`payload\` text not null, \`status\` varchar(16) not null, \`attempts\` int not null default 0, \`retry_base\` int not null default 0, \`next_attempt_at\` bigint not null, \`last_attempt_at\` bigint null, \`last_status\` int null, \`last_error\` varchar(255) null, \`delivered_at\` bigint null, \`created_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`event\` add index \`event_status_next_attempt_at_index\`(\`status\`, \`next_attempt_at\`);`);
    this.addSql(`alter table \`event\` add index \`event_tenant_id_created_at_index\`(\`tenant_id\`, \`created_at\`);`);
    this.addSql(`alter table \`event\` add index \`event_created_at_index\`(\`created_at\`);`);

    this.addSql(
      `create table \`idempotency_record\` (\`tenant_id\` varchar(40) not null, \`idem_key\` varchar(64) not null, \`request_hash\` varchar(64) not null, \`status\` int not null, \`response_body\` text not null, \`created_at\` bigint not null, \`expires_at\` bigint not null, primary key (\`tenant_id\`, \`idem_key\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`idempotency_record\` add index \`idempotency_record_expires_idx\`(\`expires_at\`);`);

    this.addSql(
      `create table \`notification_log\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(64) not null, \`kind\` varchar(16) not null, \`event_id\` varchar(64) null, \`event_type\` varchar(32) null, \`serial\` varchar(64) null, \`verification\` varchar(32) not null, \`outcome\` varchar(16) not null, \`detail\` text null, \`received_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`notification_log\` add index \`notification_log_received_idx\`(\`received_at\`);`);
    this.addSql(`alter table \`notification_log\` add index \`notification_log_tenant_received_idx\`(\`tenant_id\`, \`received_at\`);`);

    this.addSql(
      `create table \`operator\` (\`id\` varchar(40) not null, \`name\` varchar(128) not null, \`role\` varchar(16) not null, \`token_hash\` varchar(64) not null, \`created_at\` bigint not null, \`revoked_at\` bigint null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`operator\` add unique \`operator_token_hash_unique\`(\`token_hash\`);`);

    this.addSql(
      `create table \`payment_order\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`sp_mchid\` varchar(16) not null, \`sub_mchid\` varchar(16) not null, \`out_trade_no\` varchar(32) not null, \`appid\` varchar(32) not null, \`app_side\` varchar(3) not null, \`payer_openid\` varchar(128) not null, \`description\` varchar(127) not null, \`amount_total\` int not null, \`currency\` varchar(8) not null, \`attach\` varchar(128) null, \`time_expire\` bigint not null, \`request_hash\` varchar(64) not null, \`trade_state\` varchar(16) not null, \`trade_state_desc\` varchar(255) null, \`prepay_id\` varchar(64) null, \`prepay_at\` bigint null, \`transaction_id\` varchar(32) null, \`success_time\` bigint null, \`payer_total\` int null, \`bank_type\` varchar(32) null, \`refunded_total\` int not null default 0, \`last_synced_at\` bigint null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`payment_order\` add index \`payment_order_tenant_created_idx\`(\`tenant_id\`, \`created_at\`);`);
    this.addSql(`alter table \`payment_order\` add index \`payment_order_state_created_idx\`(\`trade_state\`, \`created_at\`);`);
    this.addSql(`alter table \`payment_order\` add unique \`payment_order_sp_out_trade_no_unique\`(\`sp_mchid\`, \`out_trade_no\`);`);

    this.addSql(
      `create table \`refund\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`order_id\` varchar(40) not null, \`sp_mchid\` varchar(16) not null, \`sub_mchid\` varchar(16) not null, \`out_trade_no\` varchar(32) not null, \`transaction_id\` varchar(32) null, \`out_refund_no\` varchar(64) not null, \`refund_id\` varchar(32) null, \`amount_refund\` int not null, \`amount_total\` int not null, \`reason\` varchar(80) null, \`request_hash\` varchar(64) not null, \`status\` varchar(16) not null, \`submitted\` int not null default 0, \`user_received_account\` varchar(64) null, \`success_time\` bigint null, \`last_synced_at\` bigint null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`refund\` add index \`refund_order_idx\`(\`order_id\`);`);
    this.addSql(`alter table \`refund\` add index \`refund_tenant_created_idx\`(\`tenant_id\`, \`created_at\`);`);
    this.addSql(`alter table \`refund\` add index \`refund_status_created_idx\`(\`status\`, \`created_at\`);`);
    this.addSql(`alter table \`refund\` add unique \`refund_sp_out_refund_no_unique\`(\`sp_mchid\`, \`out_refund_no\`);`);

    this.addSql(
      `create table \`service_provider\` (\`sp_mchid\` varchar(16) not null, \`sp_appid\` varchar(32) not null, \`name\` varchar(128) not null, \`merchant_serial_no\` varchar(64) not null, \`merchant_private_key\` text not null, \`apiv3_key\` varchar(255) not null, \`wechatpay_public_key_id\` varchar(64) null, \`wechatpay_public_key\` text null, \`created_at\` bigint not null, \`updated_at\` bigint not null, primary key (\`sp_mchid\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`tenant\` (\`id\` varchar(40) not null, \`sp_mchid\` varchar(16) not null, \`sub_mchid\` varchar(16) not null, \`name\` varchar(128) not null, \`status\` varchar(16) not null, \`webhook_url\` varchar(512) null, \`order_expire_minutes\` int not null, \`profit_sharing_max_ratio\` int not null, \`profit_sharing_receivers\` text not null, \`created_at\` bigint not null, \`updated_at\` bigint not null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`tenant\` add index \`tenant_sp_mchid_index\`(\`sp_mchid\`);`);
    this.addSql(`alter table \`tenant\` add index \`tenant_created_at_id_index\`(\`created_at\`, \`id\`);`);
    this.addSql(`alter table \`tenant\` add unique \`tenant_sub_mchid_unique\`(\`sub_mchid\`);`);

    this.addSql(
      `create table \`tenant_secret_key\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`prefix\` varchar(16) not null, \`hash\` varchar(64) not null, \`created_at\` bigint not null, \`last_used_at\` bigint null, \`revoked_at\` bigint null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`tenant_secret_key\` add index \`tenant_secret_key_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`tenant_secret_key\` add unique \`tenant_secret_key_hash_unique\`(\`hash\`);`);

    this.addSql(
      `create table \`webhook_secret\` (\`id\` varchar(40) not null, \`tenant_id\` varchar(40) not null, \`secret\` varchar(255) not null, \`created_at\` bigint not null, \`expires_at\` bigint null, \`revoked_at\` bigint null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`webhook_secret\` add index \`webhook_secret_tenant_id_index\`(\`tenant_id\`);`);

    this.addSql(
      `create table \`wxpay_platform_certificate\` (\`id\` int unsigned not null auto_increment primary key, \`sp_mchid\` varchar(32) not null, \`serial_no\` varchar(64) not null, \`pem\` text not null, \`not_before\` datetime not null, \`not_after\` datetime not null, \`fetched_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`wxpay_platform_certificate\` add unique \`wxpay_platform_certificate_sp_serial_unique\`(\`sp_mchid\`, \`serial_no\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`app_binding\`;`);

    this.addSql(`drop table if exists \`audit_log\`;`);

    this.addSql(`drop table if exists \`data_key\`;`);

    this.addSql(`drop table if exists \`event_delivery_attempt\`;`);

    this.addSql(`drop table if exists \`event\`;`);

    this.addSql(`drop table if exists \`idempotency_record\`;`);

    this.addSql(`drop table if exists \`notification_log\`;`);

    this.addSql(`drop table if exists \`operator\`;`);

    this.addSql(`drop table if exists \`payment_order\`;`);

    this.addSql(`drop table if exists \`refund\`;`);

    this.addSql(`drop table if exists \`service_provider\`;`);

    this.addSql(`drop table if exists \`tenant\`;`);

    this.addSql(`drop table if exists \`tenant_secret_key\`;`);

    this.addSql(`drop table if exists \`webhook_secret\`;`);

    this.addSql(`drop table if exists \`wxpay_platform_certificate\`;`);
  }
}
