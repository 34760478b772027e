import { Migration } from '@mikro-orm/migrations';

export class Migration20261201112531_CheckoutSecrets extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`app_binding\` add \`app_secret\` varchar(255) null;`);

    this.addSql(`alter table \`payment_order\` add \`client_secret\` varchar(255) null;`);

    this.addSql(`alter table \`service_provider\` add \`sp_app_secret\` varchar(255) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`service_provider\` drop column \`sp_app_secret\`;`);

    this.addSql(`alter table \`app_binding\` drop column \`app_secret\`;`);

    this.addSql(`alter table \`payment_order\` drop column \`client_secret\`;`);
  }
}
