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

/** RFC 3339 with +08:00, as WeChat Pay writes times: rfc3339(0) → "1970-01-01T08:00:00+08:00". */
export function rfc3339(ms: number, offsetMinutes = 480): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return d.toISOString().replace(/\.\d{3}Z$/, off);
}
