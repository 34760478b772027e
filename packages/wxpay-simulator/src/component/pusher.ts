import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { Clock, WxpayLogger as Logger } from '@partnerpay/wxpay';
import { encryptedPush, pushXml } from './msg-crypt';
import { ComponentState, type ComponentAccount, type Push } from './component-state';

/** WeChat waits this long for an answer to a push (the same 5 s as for WeChat Pay notifications). */
const PUSH_TIMEOUT_MS = 5_000;

/**
 * WeChat's push server for the open platform: encrypts one message (vector D's format: AppId +
 * Encrypt, the five query parameters), POSTs it to the component's events URL and records the
 * answer. Only HTTP 200 with the body `success` counts; a failure is not retried (the next ticket
 * push simply comes 10 minutes later).
 */
export class ComponentPusher {
  constructor(
    private readonly state: ComponentState,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  /** Pushes `fields` (AppId and CreateTime are added) to the account's events URL. */
  async push(account: ComponentAccount, infoType: string, fields: Record<string, string | number>): Promise<Push> {
    const now = Math.floor(this.clock.now() / 1000);
    const message = pushXml({ AppId: account.component_appid, CreateTime: now, InfoType: infoType, ...fields });
    const { query, body } = encryptedPush({
      token: account.token,
      encodingAesKey: account.encoding_aes_key,
      appid: account.component_appid,
      message,
      timestamp: now,
      nonce: String(randomBytes(4).readUInt32BE()),
    });
    const url = new URL(account.events_url);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const record: Push = {
      component_appid: account.component_appid,
      info_type: infoType,
      url: account.events_url,
      status: 0,
      ok: false,
      at: this.clock.now(),
    };
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'Mozilla/4.0' },
        body,
        headersTimeout: PUSH_TIMEOUT_MS,
        bodyTimeout: PUSH_TIMEOUT_MS,
      });
      const text = await res.body.text();
      record.status = res.statusCode;
      record.ok = res.statusCode === 200 && text.trim() === 'success';
      if (!record.ok) record.error = text.slice(0, 200);
    } catch (err) {
      record.error = (err as Error).message;
    }
    ComponentState.log(this.state.pushes, record);
    if (!record.ok)
      this.logger?.warn(
        { component_appid: account.component_appid, info_type: infoType, status: record.status },
        'simulator: push not accepted',
      );
    return record;
  }
}
