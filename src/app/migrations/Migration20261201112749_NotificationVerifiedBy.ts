import { Migration } from '@mikro-orm/migrations';

export class Migration20261201112749_NotificationVerifiedBy extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`notification_log\` add \`verified_by\` varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`notification_log\` drop column \`verified_by\`;`);
  }
}
