import { csvLine } from '../../platform/csv/csv-cell';
import { splitBillLine } from './trade-bill-parser';

/**
 * A WeChat Pay bill file (fund flow) as partnerpay passes it on: every cell re-written by csvCell,
 * so none starts like a formula (`= + - @`, tab, CR) and a value holding a comma stays one quoted
 * cell. Data values keep WeChat Pay's leading backtick; BOM and line ends are kept as they were.
 */
export function safeBillCsv(csv: string): string {
  return csv.replace(/[^\r\n]+/g, (line) => {
    const bom = line.startsWith('\ufeff') ? '\ufeff' : '';
    const text = line.slice(bom.length);
    const values = splitBillLine(text);
    return bom + csvLine(values ? values.map((v) => `\`${v}`) : text.split(','));
  });
}
