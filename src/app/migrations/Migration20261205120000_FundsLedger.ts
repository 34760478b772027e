import { Migration } from '@mikro-orm/migrations';

/**
 * The funds ledger (src/modules/payments/funds.ts): each payment keeps what refunds and splits hold
 * of it on its own row. Existing payments get their totals from the refund and split rows, the way
 * they were summed before (refunds not closed; splits of kind `split`; unfrozen by an unfreeze or a
 * split that unfroze the rest).
 */
export class Migration20261205120000_FundsLedger extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`payment_order\` add \`funds_refunds\` int not null default 0, add \`funds_splits\` int not null default 0, ` +
        `add \`funds_unfrozen\` int not null default 0;`,
    );
    this.addSql(
      `update \`payment_order\` o set ` +
        `\`funds_refunds\` = (select coalesce(sum(r.\`amount_refund\`), 0) from \`refund\` r where r.\`order_id\` = o.\`id\` and r.\`status\` <> 'CLOSED'), ` +
        `\`funds_splits\` = (select coalesce(sum(s.\`amount\`), 0) from \`ps_order\` s where s.\`order_id\` = o.\`id\` and s.\`kind\` = 'split'), ` +
        `\`funds_unfrozen\` = (select count(*) > 0 from \`ps_order\` s where s.\`order_id\` = o.\`id\` and (s.\`kind\` = 'unfreeze' or s.\`unfreeze_unsplit\` = 1)) ` +
        `where exists (select 1 from \`refund\` r where r.\`order_id\` = o.\`id\`) or exists (select 1 from \`ps_order\` s where s.\`order_id\` = o.\`id\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table \`payment_order\` drop column \`funds_refunds\`, drop column \`funds_splits\`, drop column \`funds_unfrozen\`;`,
    );
  }
}
