/** Time source; tests and the simulator's sped-up schedule replace it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private ms = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** RFC 3339 with +08:00, as WeChat Pay writes times (one implementation, the SDK's). */
export { rfc3339 } from '@partnerpay/wxpay';

/**
 * The Beijing calendar (UTC+8, no daylight saving): WeChat Pay's days (bills, daily budgets) are
 * Beijing days. Every "+8 h" of partnerpay is here.
 */
export const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** `yyyy-MM-dd` of `ms` in Beijing: beijingDay(0) → "1970-01-01" (08:00 there). */
export function beijingDay(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** `HH:mm` of `ms` in Beijing. */
export function beijingTimeOfDay(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(11, 16);
}

/** Epoch ms of 00:00 Beijing on `day` (`yyyy-MM-dd`). */
export function beijingMidnight(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`);
}

/** Epoch ms of 00:00 Beijing of the day containing `ms`. */
export function startOfBeijingDay(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;
}

/** Milliseconds from `ms` to the next 00:00 Beijing (a full day at midnight itself). */
export function msToNextBeijingMidnight(ms: number): number {
  return startOfBeijingDay(ms) + DAY_MS - ms;
}

/** The Beijing day before `day`. */
export function previousBeijingDay(day: string): string {
  return beijingDay(beijingMidnight(day) - DAY_MS);
}

/** Parses `yyyy-MM-dd HH:mm:ss` in Beijing time (as WeChat Pay's bills write it) to epoch ms, or NaN. */
export function parseBeijingDateTime(text: string): number {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text) ? Date.parse(`${text.replace(' ', 'T')}+08:00`) : NaN;
}
