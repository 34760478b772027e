import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { SecretBox } from '../../platform/secrets/secret-box';
import type { Metrics } from '../../platform/metrics/metrics';
import { AppError } from '../../platform/errors/errors';
import type { OpenPlatformRepository } from './open-platform.repository';
import type { AuthorizationsService } from './authorizations.service';
import { MsgCryptError, aesKeyOf, openPush } from './msg-crypt';
import { PushXmlError, field, parsePushXml } from './push-xml';
import { accountPurpose, pushSecretsOf } from './open-platform.secrets';

/** The push's query parameters, as the route validated them. */
export interface PushQuery {
  signature?: string;
  timestamp: string;
  nonce: string;
  msg_signature: string;
}

/** 400 PARAM_ERROR naming the check that failed and WXBizMsgCrypt's code: WeChat sees a failure, nothing is stored. */
function refused(check: string, message: string, wxCode: number | null): AppError {
  return new AppError('PARAM_ERROR', `push refused: ${message}`, {
    wxbizmsgcrypt: wxCode,
    check,
    fields: [{ field: check, issue: message }],
  });
}

/**
 * POST /open-platform/{component_appid}/events: WeChat's pushes to the 授权事件接收URL. Verify,
 * decrypt, check the AppID, then one handler per InfoType; anything refused is a 4xx with nothing
 * stored, our own failure a 5xx. Unknown InfoTypes are acknowledged and ignored.
 */
export class PushReceiver {
  constructor(
    private readonly repo: OpenPlatformRepository,
    private readonly authorizations: AuthorizationsService,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {}

  /** Applies one push; answers its InfoType. */
  async receive(componentAppid: string, q: PushQuery, body: Buffer, requestId?: string): Promise<string> {
    const account = await this.repo.find(componentAppid);
    if (!account) {
      this.metrics?.openPlatformPush('unknown', 'none', 'refused');
      throw AppError.notFound(`open platform ${componentAppid} (register it with PUT /admin/v1/open-platforms/${componentAppid})`);
    }
    let infoType = 'none';
    try {
      infoType = await this.apply(componentAppid, account, q, body, requestId);
      this.metrics?.openPlatformPush(componentAppid, infoType, 'accepted');
      return infoType;
    } catch (err) {
      this.metrics?.openPlatformPush(componentAppid, infoType, err instanceof AppError && err.status < 500 ? 'refused' : 'error');
      throw err;
    }
  }

  private async apply(
    componentAppid: string,
    account: NonNullable<Awaited<ReturnType<OpenPlatformRepository['find']>>>,
    q: PushQuery,
    body: Buffer,
    requestId?: string,
  ): Promise<string> {
    const outer = this.xml(body.toString('utf8'));
    const encrypt = field(outer, 'Encrypt');
    if (!encrypt) throw refused('Encrypt', 'the body has no Encrypt element', -40002);
    const secrets = await pushSecretsOf(this.box, account);
    let message: string;
    try {
      ({ message } = openPush(
        { timestamp: q.timestamp, nonce: q.nonce, msgSignature: q.msg_signature, signature: q.signature, encrypt },
        { token: secrets.token, keys: secrets.keys.map(aesKeyOf), appid: componentAppid },
        Math.floor(this.clock.now() / 1000),
      ));
    } catch (err) {
      if (err instanceof MsgCryptError) throw refused(err.check, err.message, err.wxCode);
      throw err;
    }
    const msg = this.xml(message);
    if (field(msg, 'AppId') !== componentAppid) throw refused('AppId', 'the message names another AppID', -40005);
    const infoType = field(msg, 'InfoType') ?? '';
    const createTime = Number(field(msg, 'CreateTime'));
    const createdAt = Number.isFinite(createTime) && createTime > 0 ? createTime * 1000 : this.clock.now();
    const need = (name: string) => {
      const v = field(msg, name);
      if (!v) throw refused(name, `${infoType} without ${name}`, null);
      return v;
    };
    switch (infoType) {
      case 'component_verify_ticket': {
        const sealed = await this.box.seal(need('ComponentVerifyTicket'), accountPurpose(componentAppid, 'ticket'));
        const stored = await this.repo.storeTicket(componentAppid, sealed, createdAt, this.clock.now());
        this.logger.debug({ component_appid: componentAppid, stored }, 'component_verify_ticket received');
        break;
      }
      case 'authorized':
      case 'updateauthorized':
        await this.authorizations.onAuthorizedPush(
          componentAppid,
          {
            infoType,
            authorizerAppid: need('AuthorizerAppid'),
            authCode: need('AuthorizationCode'),
            preAuthCode: field(msg, 'PreAuthCode'),
            createdAt,
          },
          requestId,
        );
        break;
      case 'unauthorized':
        await this.authorizations.onUnauthorizedPush(componentAppid, need('AuthorizerAppid'), createdAt, requestId);
        break;
      default:
        // Other InfoTypes (快速注册, 名称审核...) are not partnerpay's business: acknowledged, so WeChat sees a healthy URL.
        this.logger.info({ component_appid: componentAppid, info_type: infoType.slice(0, 64) }, 'open platform push ignored');
    }
    return infoType || 'none';
  }

  private xml(text: string) {
    if (Buffer.byteLength(text) > 64 * 1024) throw refused('(body)', 'the XML is too large', -40002);
    try {
      return parsePushXml(text);
    } catch (err) {
      if (err instanceof PushXmlError) throw refused('(body)', `the XML could not be read: ${err.message}`, -40002);
      throw err;
    }
  }
}
