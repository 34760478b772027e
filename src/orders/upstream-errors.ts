import { WxpayApiError } from '../wxpay/errors';

/** WeChat Pay's error code when `err` is an answer from it (normalised to the underscore spelling). */
export function upstreamCode(err: unknown): string | undefined {
  return err instanceof WxpayApiError ? err.code : undefined;
}

/** True when `err` is WeChat Pay answering one of `codes`. */
export function isUpstream(err: unknown, ...codes: string[]): boolean {
  return err instanceof WxpayApiError && err.is(...codes);
}
