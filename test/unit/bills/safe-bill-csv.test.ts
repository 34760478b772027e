import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { safeBillCsv } from '../../../src/modules/bills/safe-bill-csv';

const FORMULA = /^[=+\-@\t\r]/;

test('A fund-flow bill passed on to a tenant or operator never has a cell that starts like a formula, and a comma in a value stays in its cell', () => {
  const bill =
    '\ufeff记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号\r\n' +
    '`2026-12-01 10:00:00,`4200000001,`20261201001,`交易,`交易,`收入,`1.00,`1.00,`system,`x,=HYPERLINK("http://evil.example/"),`PS001\r\n' +
    '`2026-12-01 10:00:01,`4200000002,`20261201002,`分账,`分账,`支出,`0.30,`0.70,`system,`-1+2,`@SUM(A1)\r\n' +
    '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\r\n' +
    '`2,`1,`1.00,`1,`0.30\r\n';
  const out = safeBillCsv(bill);
  assert.ok(out.startsWith('\ufeff记账时间,'), 'BOM and header kept');
  assert.equal(out.split('\r\n').length, bill.split('\r\n').length, 'one line per line');
  const rows = parseCsv(out.slice(1), { relax_column_count: true }) as string[][];
  for (const row of rows) for (const cell of row) assert.doesNotMatch(cell, FORMULA, `cell ${JSON.stringify(cell)}`);
  assert.equal(rows[1].length, 11, 'the comma in 备注 did not add a column');
  assert.equal(rows[1][9], '`x,=HYPERLINK("http://evil.example/")');
  assert.equal(rows[1][6], '`1.00', 'amounts keep their backtick and value');
});

test('Whatever the bytes of a bill, no cell of what partnerpay passes on starts like a formula (fuzzed, seeded)', () => {
  const seed = Number(process.env.TEST_SEED ?? 20261205);
  console.log(`# safe-bill-csv seed ${seed}`);
  const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('=1+1', '+1', '-1', '@x', '\tx', 'a,=b', 'a,`=b', '"q"'));
  const line = fc
    .tuple(fc.array(cell, { minLength: 1, maxLength: 6 }), fc.boolean())
    .map(([cells, data]) => (data ? '`' + cells.join(',`') : cells.join(',')));
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
      const out = safeBillCsv(lines.map((l) => l.replace(/[\r\n]/g, ' ')).join('\r\n'));
      const rows = parseCsv(out, { relax_column_count: true, relax_quotes: false }) as string[][];
      for (const row of rows) for (const c of row) assert.doesNotMatch(c, FORMULA);
    }),
    { seed, numRuns: 500 },
  );
});
