import { createHash, randomBytes, randomInt } from 'node:crypto';
import { rfc3339, rsaOaepDecrypt, type Clock, type WxpayLogger as Logger } from '@partnerpay/wxpay';
import { serialFor } from './auth';
import { ControlError, WxError } from './errors';
import type { PlatformIdentity } from './keys';
import type { SimScheduler } from './scheduler';
import type { ServiceProvider, SimState } from './state';
import { beijingDateTime } from './bills';

type Json = Record<string, unknown>;

/** One applyment as WeChat Pay keeps it (plaintexts decrypted, as the real one would after checking them). */
export interface SimApplyment {
  sp_mchid: string;
  business_code: string;
  applyment_id: number;
  state: string;
  state_msg: string;
  audit_detail?: Array<{ field: string; field_name: string; reject_reason: string }>;
  sub_mchid?: string;
  sign_url: string;
  appids: string[];
  bank: { account_type: string; account_bank: string; account_number: string; account_name: string };
  /** The id of its pending scheduled transition (SimScheduler), if any. */
  timer?: number;
}

/** One settlement-account change application. */
export interface SimModification {
  application_no: string;
  sp_mchid: string;
  sub_mchid: string;
  account_type: string;
  account_bank: string;
  account_number: string;
  account_name: string;
  verify_result: 'AUDITING' | 'AUDIT_SUCCESS' | 'AUDIT_FAIL';
  verify_fail_reason: string;
  verify_finish_time?: string;
  at: number;
}

const DAY = 86_400_000;
const MINUTE = 60_000;
/** Timed moves of the state machine (spec addendum §1.6), in simulator time. */
export const ONBOARDING_TIMES = {
  signingMs: 30 * MINUTE,
  verifyWindowMs: 10 * DAY,
  signWindowMs: 30 * DAY,
  settlementAuditMs: 10 * MINUTE,
};

/** The 15 encrypted fields (spec addendum §1.4), as JSON pointers; `*` = every item of a list. */
const SENSITIVE = [
  '/contact_info/contact_name',
  '/contact_info/contact_id_number',
  '/contact_info/mobile_phone',
  '/contact_info/contact_email',
  '/subject_info/identity_info/id_card_info/id_card_name',
  '/subject_info/identity_info/id_card_info/id_card_number',
  '/subject_info/identity_info/id_card_info/id_card_address',
  '/subject_info/identity_info/id_doc_info/id_doc_name',
  '/subject_info/identity_info/id_doc_info/id_doc_number',
  '/subject_info/identity_info/id_doc_info/id_doc_address',
  '/subject_info/ubo_info_list/*/ubo_id_doc_name',
  '/subject_info/ubo_info_list/*/ubo_id_doc_number',
  '/subject_info/ubo_info_list/*/ubo_id_doc_address',
  '/bank_account_info/account_name',
  '/bank_account_info/account_number',
];
/** Fields that carry MediaIDs (a single id or a list of them). */
const MEDIA_FIELD = /(_copy|_copy_back|_national|_pics|_pic|_letter|_commitment|web_authorisation)$/;
/** A few rows of 《费率结算规则对照表》's industries; anything else is 所属行业不存在. */
export const KNOWN_INDUSTRIES = [
  '餐饮',
  '食品生鲜',
  '零售',
  '超市',
  '便利店',
  '服饰箱包',
  '玩具',
  '母婴用品',
  '数码家电',
  '休闲娱乐',
  '教育培训',
  '其他',
];

const required = (pointer: string, name = pointer.split('/').pop()) =>
  WxError.param(pointer, `输入源“/body${pointer}”映射到字段“${name}”必填性规则校验失败,此字段为必填项`);

/** Onboarding at the simulated WeChat Pay: media, applyments with their state machine, settlement accounts. */
export class SimOnboarding {
  readonly media = new Map<string, { sp_mchid: string; sha256: string; size: number }>();
  private readonly applyments = new Map<string, SimApplyment>();
  private readonly byId = new Map<number, SimApplyment>();
  private readonly settlements = new Map<string, Json>();
  private readonly modifications = new Map<string, SimModification>();

  constructor(
    private readonly state: SimState,
    private readonly identity: PlatformIdentity,
    private readonly scheduler: SimScheduler,
    private readonly wall: Clock,
    private readonly logger?: Logger,
  ) {
    scheduler.handle<{ a: SimApplyment }>('applyment.unverified', ({ a }) =>
      this.reject(a, [{ field: 'account_verification', field_name: '账户验证', reject_reason: '10天内未完成账户验证' }]),
    );
    scheduler.handle<{ a: SimApplyment }>('applyment.unsigned', ({ a }) => this.move(a, 'APPLYMENT_STATE_CANCELED', '已作废'));
    scheduler.handle<{ a: SimApplyment }>('applyment.signed', ({ a }) => this.finish(a));
    scheduler.handle<{ no: string }>('settlement.audit', ({ no }) => void this.finishModification(no, 'AUDIT_SUCCESS'));
  }

  /** POST /v3/merchant/media/upload: checks the layout, the sha256, the suffix and the size; mints a MediaID. */
  upload(provider: ServiceProvider, meta: unknown, file: Buffer, order: string[]): { media_id: string } {
    if (order[0] !== 'meta' || order[1] !== 'file') throw WxError.param('/meta', 'the meta part must come first, then the file part');
    const m = (meta ?? {}) as { filename?: unknown; sha256?: unknown };
    if (typeof m.filename !== 'string' || !/\.(jpe?g|png|bmp)$/i.test(m.filename))
      throw WxError.param('/meta/filename', '文件名后缀须为JPG、BMP或PNG');
    if (typeof m.sha256 !== 'string') throw required('/meta/sha256', 'sha256');
    const sha256 = createHash('sha256').update(file).digest('hex');
    if (m.sha256.toLowerCase() !== sha256) throw WxError.param('/meta/sha256', '文件sha256与文件内容不一致');
    if (file.length > 5 * 1024 * 1024) throw WxError.param('/file', '图片大小超过限制 (at most 5 MB)');
    if (file.length > 2 * 1024 * 1024)
      this.logger?.warn({ size: file.length }, 'simulator: image above the 2 MB of the 进件 page accepted');
    const media_id = `V1_${randomBytes(24).toString('base64url')}`;
    this.media.set(media_id, { sp_mchid: provider.sp_mchid, sha256, size: file.length });
    return { media_id };
  }

  /** Decrypts one sensitive value like WeChat Pay; a value that does not decrypt is a PARAM_ERROR at its pointer. */
  private decrypt(value: unknown, pointer: string): string {
    if (typeof value !== 'string') throw WxError.param(pointer, '敏感字段须为加密后的字符串');
    try {
      return rsaOaepDecrypt(value, this.identity.privateKey);
    } catch {
      throw WxError.param(pointer, '敏感字段解密失败，请使用微信支付公钥或平台证书加密并在Wechatpay-Serial中传入对应序列号');
    }
  }

  /** Every sensitive field decrypted in a copy of `body` (refusing what does not decrypt). */
  private decryptAll(body: Json): Json {
    const out = structuredClone(body);
    for (const path of SENSITIVE) {
      const parts = path.slice(1).split('/');
      const walk = (node: unknown, i: number, at: string): void => {
        if (!node || typeof node !== 'object') return;
        const key = parts[i];
        if (key === '*') {
          if (Array.isArray(node)) node.forEach((x, k) => walk(x, i + 1, `${at}/${k}`));
          return;
        }
        const obj = node as Json;
        if (i === parts.length - 1) {
          if (obj[key] !== undefined) obj[key] = this.decrypt(obj[key], `${at}/${key}`);
        } else walk(obj[key], i + 1, `${at}/${key}`);
      };
      walk(out, 0, '');
    }
    return out;
  }

  /** Empty values anywhere, and MediaIDs this provider never uploaded. */
  private checkValues(v: unknown, pointer: string, sp: string, key = ''): void {
    if (v === null || v === '' || (Array.isArray(v) && !v.length)) throw required(pointer);
    if (typeof v === 'string' && MEDIA_FIELD.test(key)) {
      const m = this.media.get(v);
      if (!m || m.sp_mchid !== sp) throw WxError.param(pointer, '证书图片内容无效 (unknown MediaID: upload it first)');
    }
    if (Array.isArray(v)) v.forEach((x, i) => this.checkValues(x, `${pointer}/${i}`, sp, key));
    else if (v && typeof v === 'object') {
      if (!Object.keys(v).length) throw required(pointer);
      for (const [k, x] of Object.entries(v as Json)) this.checkValues(x, `${pointer}/${k}`, sp, k);
    }
  }

  /** POST /v3/applyment4sub/applyment/ */
  submit(provider: ServiceProvider, serial: string | undefined, body: unknown): { applyment_id: number } {
    if (!serial) throw WxError.param('Wechatpay-Serial', '请求头缺少Wechatpay-Serial (required with encrypted fields)', 'header');
    if (serial !== serialFor(this.identity, provider))
      throw WxError.param('Wechatpay-Serial', 'Wechatpay-Serial与加密所用的微信支付公钥/平台证书不匹配', 'header');
    const b = (body ?? {}) as Json;
    if (typeof b.business_code !== 'string' || !/^[0-9A-Za-z_]{1,124}$/.test(b.business_code))
      throw required('/business_code', 'business_code');
    for (const k of ['contact_info', 'subject_info', 'business_info', 'settlement_info', 'bank_account_info'])
      if (!b[k]) throw required(`/${k}`);
    this.checkValues(b, '', provider.sp_mchid);
    const plain = this.decryptAll(b);
    const subject = plain.subject_info as Json;
    const type = subject.subject_type as string;
    const licensed = type === 'SUBJECT_TYPE_INDIVIDUAL' || type === 'SUBJECT_TYPE_ENTERPRISE';
    if (licensed && !subject.business_license_info) throw required('/subject_info/business_license_info', '营业执照');
    if (!licensed && !subject.certificate_info) throw required('/subject_info/certificate_info/cert_copy', '登记证书照片');
    const settlement = plain.settlement_info as Json;
    if (!KNOWN_INDUSTRIES.includes(String(settlement.qualification_type)))
      throw WxError.param('/settlement_info/qualification_type', '所属行业不存在');

    const key = `${provider.sp_mchid}:${b.business_code}`;
    const existing = this.applyments.get(key);
    if (existing && existing.state !== 'APPLYMENT_STATE_REJECTED' && existing.state !== 'APPLYMENT_STATE_EDITTING')
      return { applyment_id: existing.applyment_id }; // 复用旧申请单
    const a: SimApplyment = existing ?? {
      sp_mchid: provider.sp_mchid,
      business_code: b.business_code,
      applyment_id: 2_000_002_000_000_000 + randomInt(1, 2 ** 40),
      state: '',
      state_msg: '',
      sign_url: '',
      appids: [],
      bank: { account_type: '', account_bank: '', account_number: '', account_name: '' },
    };
    a.sign_url = `https://pay.weixin.qq.com/public/apply4ec_sign/s?applymentId=${a.applyment_id}&sign=${randomBytes(16).toString('hex')}`;
    const sales = ((plain.business_info as Json).sales_info ?? {}) as Record<string, Json | undefined>;
    a.appids = [sales.mini_program_info?.mini_program_sub_appid, sales.mp_info?.mp_sub_appid, sales.app_info?.app_sub_appid].filter(
      (x): x is string => typeof x === 'string',
    );
    const bank = plain.bank_account_info as Record<string, string>;
    a.bank = {
      account_type: bank.bank_account_type === 'BANK_ACCOUNT_TYPE_PERSONAL' ? 'ACCOUNT_TYPE_PRIVATE' : 'ACCOUNT_TYPE_BUSINESS',
      account_bank: bank.account_bank,
      account_number: bank.account_number,
      account_name: bank.account_name,
    };
    a.audit_detail = undefined;
    this.move(a, 'APPLYMENT_STATE_AUDITING', '审核中');
    this.applyments.set(key, a);
    this.byId.set(a.applyment_id, a);
    return { applyment_id: a.applyment_id };
  }

  /** The query answer (spec addendum §1.5): sub_mchid from TO_BE_SIGNED on, sign_url always. */
  view(a: SimApplyment): Json {
    const withSub = ['APPLYMENT_STATE_TO_BE_SIGNED', 'APPLYMENT_STATE_SIGNING', 'APPLYMENT_STATE_FINISHED'].includes(a.state);
    return {
      business_code: a.business_code,
      applyment_id: a.applyment_id,
      ...(withSub && a.sub_mchid ? { sub_mchid: a.sub_mchid } : {}),
      sign_url: a.sign_url,
      applyment_state: a.state,
      applyment_state_msg: a.state_msg,
      ...(a.audit_detail ? { audit_detail: a.audit_detail } : {}),
    };
  }

  /** By business_code or applyment_id, for this provider; 未能找到申请单 otherwise. */
  find(sp_mchid: string, by: { business_code?: string; applyment_id?: number }): SimApplyment {
    const a =
      by.business_code !== undefined ? this.applyments.get(`${sp_mchid}:${by.business_code}`) : this.byId.get(by.applyment_id ?? -1);
    if (!a || a.sp_mchid !== sp_mchid)
      throw WxError.param(by.business_code !== undefined ? 'business_code' : 'applyment_id', '未能找到申请单', 'path');
    return a;
  }

  private move(a: SimApplyment, to: string, msg: string): void {
    this.scheduler.cancel(a.timer);
    a.timer = undefined;
    a.state = to;
    a.state_msg = msg;
    if (to === 'APPLYMENT_STATE_TO_BE_CONFIRMED')
      a.timer = this.scheduler.schedule('applyment.unverified', ONBOARDING_TIMES.verifyWindowMs, { a });
    if (to === 'APPLYMENT_STATE_TO_BE_SIGNED') {
      a.sub_mchid ??= this.newSubMchid();
      a.timer = this.scheduler.schedule('applyment.unsigned', ONBOARDING_TIMES.signWindowMs, { a });
    }
    if (to === 'APPLYMENT_STATE_SIGNING') a.timer = this.scheduler.schedule('applyment.signed', ONBOARDING_TIMES.signingMs, { a });
  }

  private newSubMchid(): string {
    for (;;) {
      const id = `16${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
      if (!this.state.providers.has(id) && ![...this.byId.values()].some((x) => x.sub_mchid === id)) return id;
    }
  }

  private reject(a: SimApplyment, detail: SimApplyment['audit_detail']): void {
    this.move(a, 'APPLYMENT_STATE_REJECTED', '已驳回');
    a.audit_detail = detail;
  }

  /** FINISHED: the sub-merchant exists, its sub_appids are bound, its settlement account is the application's. */
  private finish(a: SimApplyment): void {
    this.move(a, 'APPLYMENT_STATE_FINISHED', '完成');
    this.state.putSub({ sp_mchid: a.sp_mchid, sub_mchid: a.sub_mchid!, appids: new Set(a.appids) });
    this.settlements.set(`${a.sp_mchid}:${a.sub_mchid}`, { ...a.bank });
  }

  /** Control: moves an applyment as WeChat Pay's reviewers, the super-administrator or time would. */
  control(applymentId: number, action: string, body: Json = {}): Json {
    const a = this.byId.get(applymentId);
    if (!a) throw new ControlError(404, 'NOT_FOUND', `no applyment ${applymentId}`);
    const need = (...states: string[]) => {
      if (!states.includes(a.state))
        throw new ControlError(409, 'INVALID_STATE', `applyment is ${a.state}; ${action} needs ${states.join(' or ')}`);
    };
    switch (action) {
      case 'approve':
        need('APPLYMENT_STATE_AUDITING');
        if (body.verification === true) this.move(a, 'APPLYMENT_STATE_TO_BE_CONFIRMED', '待账户验证');
        else this.move(a, 'APPLYMENT_STATE_TO_BE_SIGNED', '待签约');
        break;
      case 'reject': {
        need('APPLYMENT_STATE_AUDITING', 'APPLYMENT_STATE_TO_BE_CONFIRMED');
        const field = typeof body.field === 'string' ? body.field : 'id_card_copy';
        const reason = typeof body.reason === 'string' ? body.reason : '身份证人像面照片不清晰';
        this.reject(a, [{ field, field_name: typeof body.field_name === 'string' ? body.field_name : field, reject_reason: reason }]);
        break;
      }
      case 'verify':
        need('APPLYMENT_STATE_TO_BE_CONFIRMED');
        this.move(a, 'APPLYMENT_STATE_TO_BE_SIGNED', '待签约');
        break;
      case 'sign':
        need('APPLYMENT_STATE_TO_BE_SIGNED');
        this.move(a, 'APPLYMENT_STATE_SIGNING', '开通权限中');
        break;
      case 'finish':
        need('APPLYMENT_STATE_SIGNING');
        this.finish(a);
        break;
      case 'cancel':
        need(
          'APPLYMENT_STATE_AUDITING',
          'APPLYMENT_STATE_REJECTED',
          'APPLYMENT_STATE_TO_BE_CONFIRMED',
          'APPLYMENT_STATE_TO_BE_SIGNED',
          'APPLYMENT_STATE_EDITTING',
        );
        this.move(a, 'APPLYMENT_STATE_CANCELED', '已作废');
        break;
      case 'state':
        // Any value, documented or not (to test how clients take states they do not know).
        if (typeof body.state !== 'string' || !body.state) throw new ControlError(400, 'PARAM_ERROR', 'state is required');
        this.move(a, body.state, typeof body.state_msg === 'string' ? body.state_msg : body.state);
        break;
      default:
        throw new ControlError(404, 'NOT_FOUND', `unknown applyment action ${action}`);
    }
    return this.view(a);
  }

  /** Every applyment, for the control API. */
  list(): Json[] {
    return [...this.byId.values()].map((a) => ({ sp_mchid: a.sp_mchid, ...this.view(a) }));
  }

  /** GET .../settlement: masked; verify_result only once the account was changed. */
  settlement(sp_mchid: string, sub_mchid: string): Json {
    if (!this.state.sub(sp_mchid, sub_mchid)) throw WxError.mchNotExists();
    const s = this.settlements.get(`${sp_mchid}:${sub_mchid}`) ?? {
      account_type: 'ACCOUNT_TYPE_BUSINESS',
      account_bank: '工商银行',
      account_number: '6222020000000000000',
    };
    const last = [...this.modifications.values()].filter((m) => m.sub_mchid === sub_mchid && m.sp_mchid === sp_mchid).pop();
    const n = String(s.account_number);
    return {
      account_type: s.account_type,
      account_bank: s.account_bank,
      account_number: `${n.slice(0, 4)}${'*'.repeat(Math.max(0, n.length - 8))}${n.slice(-4)}`,
      ...(last
        ? { verify_result: { AUDITING: 'VERIFYING', AUDIT_SUCCESS: 'VERIFY_SUCCESS', AUDIT_FAIL: 'VERIFY_FAIL' }[last.verify_result] }
        : {}),
    };
  }

  /** POST .../modify-settlement: 5 a day per sub-merchant, one AUDITING at a time, account fields decrypted. */
  modify(provider: ServiceProvider, sub_mchid: string, serial: string | undefined, body: unknown): { application_no: string } {
    if (!this.state.sub(provider.sp_mchid, sub_mchid)) throw WxError.mchNotExists();
    if (serial !== serialFor(this.identity, provider))
      throw WxError.param('Wechatpay-Serial', 'Wechatpay-Serial缺失或与加密所用的密钥不匹配', 'header');
    const b = (body ?? {}) as Record<string, unknown>;
    if (b.account_type !== 'ACCOUNT_TYPE_BUSINESS' && b.account_type !== 'ACCOUNT_TYPE_PRIVATE')
      throw required('/account_type', '账户类型');
    if (typeof b.account_bank !== 'string' || !b.account_bank) throw required('/account_bank', '开户银行');
    const number = this.decrypt(b.account_number, '/account_number');
    const name = b.account_name === undefined ? '' : this.decrypt(b.account_name, '/account_name');
    const now = this.wall.now();
    const mine = [...this.modifications.values()].filter((m) => m.sp_mchid === provider.sp_mchid && m.sub_mchid === sub_mchid);
    const today = beijingDateTime(now).slice(0, 10);
    if (mine.filter((m) => beijingDateTime(m.at).slice(0, 10) === today).length >= 5)
      throw new WxError(429, 'FREQUENCY_LIMITED', '每天仅能提交5次修改申请，如需继续申请，请等到次日0点后重新发起', undefined, 268447840);
    if (mine.some((m) => m.verify_result === 'AUDITING')) throw WxError.invalid('已有审核中的修改申请，请等待审核完成');
    const m: SimModification = {
      application_no: `${Date.now()}${randomInt(100000, 999999)}`,
      sp_mchid: provider.sp_mchid,
      sub_mchid,
      account_type: String(b.account_type),
      account_bank: String(b.account_bank),
      account_number: number,
      account_name: name,
      verify_result: 'AUDITING',
      verify_fail_reason: '',
      at: now,
    };
    this.modifications.set(m.application_no, m);
    this.scheduler.schedule('settlement.audit', ONBOARDING_TIMES.settlementAuditMs, { no: m.application_no });
    return { application_no: m.application_no };
  }

  /** Ends a change application (time, or the control API); success makes it the settlement account. */
  finishModification(no: string, result: 'AUDIT_SUCCESS' | 'AUDIT_FAIL', reason = '银行账户信息有误'): Json {
    const m = this.modifications.get(no);
    if (!m) throw new ControlError(404, 'NOT_FOUND', `no settlement application ${no}`);
    if (m.verify_result !== 'AUDITING') return this.applicationView(m);
    m.verify_result = result;
    m.verify_fail_reason = result === 'AUDIT_FAIL' ? reason : '';
    m.verify_finish_time = rfc3339(this.wall.now());
    if (result === 'AUDIT_SUCCESS')
      this.settlements.set(`${m.sp_mchid}:${m.sub_mchid}`, {
        account_type: m.account_type,
        account_bank: m.account_bank,
        account_number: m.account_number,
      });
    return this.applicationView(m);
  }

  /** GET .../application/{application_no} */
  application(sp_mchid: string, sub_mchid: string, no: string): Json {
    const m = this.modifications.get(no);
    if (!m || m.sp_mchid !== sp_mchid || m.sub_mchid !== sub_mchid) throw WxError.resourceNotExists('申请单不存在');
    return this.applicationView(m);
  }

  private applicationView(m: SimModification): Json {
    const n = m.account_number;
    return {
      account_name: m.account_name ? `${[...m.account_name][0]}**` : '',
      account_type: m.account_type,
      account_bank: m.account_bank,
      account_number: `${n.slice(0, 4)}${'*'.repeat(Math.max(0, n.length - 8))}${n.slice(-4)}`,
      verify_result: m.verify_result,
      verify_fail_reason: m.verify_fail_reason,
      ...(m.verify_finish_time ? { verify_finish_time: m.verify_finish_time } : {}),
    };
  }
}
