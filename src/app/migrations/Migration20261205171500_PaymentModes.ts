import { Migration } from '@mikro-orm/migrations';

/** Payment modes (docs/payment-modes.md): each order's trade_type (existing orders are JSAPI) and its H5/MICROPAY scene_info. */
export class Migration20261205171500_PaymentModes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`payment_order\` add \`trade_type\` varchar(8) not null default 'JSAPI', add \`scene_info\` text null;`);
    // The default only fills existing rows: every new order names its mode.
    this.addSql(`alter table \`payment_order\` alter column \`trade_type\` drop default;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`payment_order\` drop column \`trade_type\`, drop column \`scene_info\`;`);
  }
}
