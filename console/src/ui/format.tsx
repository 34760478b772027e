/** Money, times and states as the console shows them everywhere. */
import { Tag } from 'antd';
import { useLang } from '../i18n';
import { formatBeijing, formatMoney } from '../lib/format';

/** Fen shown as yuan (`<Money fen={100} />` is ¥1.00). */
export function Money({ fen }: { fen: number | null | undefined }) {
  const { lang } = useLang();
  if (fen === null || fen === undefined) return null;
  return <span className="pp-money">{formatMoney(fen, lang)}</span>;
}

/** An RFC 3339 time in Beijing time, machine-readable in `datetime`. */
export function Time({ value, empty = null }: { value: string | null | undefined; empty?: string | null }) {
  const { t } = useLang();
  if (!value) return empty;
  return (
    <time dateTime={value} title={t('common.beijingTime')}>
      {formatBeijing(value)}
    </time>
  );
}

/** What a detail cell shows for a value that is not there (yet): a dash rather than a blank. */
export const DASH = '—';

const GOOD = /^(SUCCESS|delivered|applied|done|FINISHED|active|ok|APPLYMENT_STATE_FINISHED|true)$/;
const BAD = /^bad_|FAIL|failed|refused|CLOSED|REJECTED|CANCELED|conflict|error|suspended|ABNORMAL|PAYERROR|mismatch|missing|false/i;

/** A state as a coloured tag (green for done, red for failed or refused, blue for everything in between). */
export function StateTag({ value }: { value: string | boolean | null | undefined }) {
  if (value === null || value === undefined || value === '') return null;
  const s = String(value);
  return <Tag color={GOOD.test(s) ? 'green' : BAD.test(s) ? 'red' : 'blue'}>{s}</Tag>;
}
