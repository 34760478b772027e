import { Migration } from '@mikro-orm/migrations';

export class Migration20261201112555 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`tenant\` add \`orders_per_minute\` int not null default 6000;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`tenant\` drop column \`orders_per_minute\`;`);
  }
}
