import { AppError } from '../../platform/errors/errors';

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3_600_000;

/** `yyyy-MM-dd` of `ms` in Beijing time. */
export function beijingDay(ms: number): string {
  return new Date(ms + BEIJING_MS).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 Beijing time on `day`. */
export function beijingMidnight(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`);
}

/** The Beijing day before `day`. */
export function previousDay(day: string): string {
  return beijingDay(beijingMidnight(day) - DAY_MS);
}

/** Parses `yyyy-MM-dd HH:mm:ss` (Beijing time, as bills write it) to epoch ms, or NaN. */
export function parseBeijingDateTime(text: string): number {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text) ? Date.parse(`${text.replace(' ', 'T')}+08:00`) : NaN;
}

/** True when `day` is a real calendar date written `yyyy-MM-dd`. */
export function isCalendarDate(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
}

/**
 * Refuses a bill date WeChat Pay cannot serve: not a date, after today (Beijing), or more than three
 * calendar months ago (the API's window); 400 PARAM_ERROR naming bill_date.
 */
export function assertBillDate(day: string, now: number): void {
  const issue = (why: string) => AppError.invalid([{ field: 'bill_date', issue: why }]);
  if (!isCalendarDate(day)) throw issue('must be a calendar date written yyyy-MM-dd');
  const today = beijingDay(now);
  if (day > today) throw issue(`is in the future (today is ${today} in Beijing)`);
  const [y, m, d] = today.split('-').map(Number);
  const limit = new Date(Date.UTC(y, m - 1 - 3, d)).toISOString().slice(0, 10);
  if (day < limit) throw issue(`is more than three months ago (the oldest WeChat Pay serves is ${limit})`);
}
