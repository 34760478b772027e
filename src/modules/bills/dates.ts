import { AppError } from '../../platform/errors/errors';
import { beijingDay } from '../../platform/clock';

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
