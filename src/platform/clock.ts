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
