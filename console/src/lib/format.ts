/**
 * Money and times as people read them. Money is integer fen everywhere in the API; it is shown as
 * yuan with Intl's CNY currency format. Times are RFC 3339 with offset; they are shown in Beijing
 * time (WeChat Pay's, and the bills' calendar day), whatever the browser's own time zone.
 */
import { LOCALES, type Lang } from '../i18n';

const moneyFormats = new Map<Lang, Intl.NumberFormat>();

/** 100 → "¥1.00" (zh) or "CN¥1.00" (en). */
export function formatMoney(fen: number, lang: Lang): string {
  let f = moneyFormats.get(lang);
  if (!f) moneyFormats.set(lang, (f = new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency: 'CNY' })));
  return f.format(fen / 100);
}

const beijing = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An RFC 3339 time as "2026-12-05 21:49:28" in Beijing time (the same in both languages). */
export function formatBeijing(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(beijing.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A Beijing calendar day (yyyy-MM-dd) as the RFC 3339 instant it starts at, for the API's `created_from`-style filters. */
export function beijingDayStart(day: string): string {
  return `${day}T00:00:00+08:00`;
}

/** The Beijing calendar day before today (the latest day WeChat Pay has a bill for). */
export function beijingYesterday(now = Date.now()): string {
  return formatBeijing(new Date(now - 86_400_000).toISOString()).slice(0, 10);
}

/** 万分比 (WeChat Pay's ratios) as a percentage: 3000 → "30%". */
export function formatRatio(basisPoints: number): string {
  return `${basisPoints / 100}%`;
}
