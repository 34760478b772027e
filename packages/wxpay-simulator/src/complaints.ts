import { createHash, randomBytes, randomInt } from 'node:crypto';
import { rsaOaepEncrypt, type Clock } from '@partnerpay/wxpay';
import { ControlError, WxError } from './errors';
import type { NotificationDispatcher } from './notifier';
import type { ServiceProvider, SimState } from './state';
import { beijingDateTime } from './bills';

type Json = Record<string, unknown>;

/** One entry of a complaint's negotiation history (spec addendum §4.4; the misspelt operate_types kept). */
export interface SimHistoryEntry {
  log_id: string;
  operator: string;
  operate_time: number;
  operate_type: string;
  operate_details: string;
  image_list: string[];
}

/** A complaint as WeChat Pay keeps it (the buyer's phone in plaintext; it is encrypted on the way out). */
export interface SimComplaint {
  sp_mchid: string;
  complaint_id: string;
  complainted_mchid: string;
  complaint_time: number;
  complaint_detail: string;
  complaint_state: 'PENDING' | 'PROCESSING' | 'PROCESSED';
  payer_phone: string;
  payer_openid: string;
  order: { transaction_id: string; out_trade_no: string; amount: number };
  problem_type: string;
  problem_description: string;
  apply_refund_amount?: number;
  user_complaint_times: number;
  complaint_full_refunded: boolean;
  incoming_user_response: boolean;
  user_images: string[];
  history: SimHistoryEntry[];
  /** Fields WeChat Pay might add later (set through the control API to test tolerant readers). */
  extra: Json;
}

/** What the control API's "a buyer complains" takes. */
export interface RaiseComplaint {
  sp_mchid?: string;
  sub_mchid: string;
  out_trade_no?: string;
  transaction_id?: string;
  amount?: number;
  complaint_detail?: string;
  problem_type?: string;
  apply_refund_amount?: number;
  payer_phone?: string;
  /** Default true: send COMPLAINT.CREATE to the registered URL; false = a notification WeChat Pay "lost". */
  notify?: boolean;
  extra?: Json;
}

/** 2 MB for complaint reply images (spec addendum §4.2). */
export const COMPLAINT_IMAGE_MAX_BYTES = 2 * 1024 * 1024;

const digits = (n: number) => Array.from({ length: n }, () => String(randomInt(10))).join('');

/** complaint_time with milliseconds, as the complaint API writes it: `2015-05-20T13:29:35.120+08:00`. */
export function rfc3339Millis(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
}

/**
 * Consumer complaints 2.0 at the simulated WeChat Pay (spec addendum §4): complaints raised through
 * the control API, the list / detail / history, replies, refund decisions, completion, reply images
 * and the one notification URL per provider, notified with only `{complaint_id, action_type}`.
 */
export class SimComplaints {
  private readonly complaints = new Map<string, SimComplaint>();
  private readonly urls = new Map<string, string>();
  private readonly images = new Map<string, { sp_mchid: string; bytes: Buffer; contentType: string }>();

  constructor(
    private readonly state: SimState,
    private readonly notifier: NotificationDispatcher,
    private readonly wall: Clock,
  ) {}

  /** The control API: a buyer complains about an order of `sub_mchid`. */
  async raise(r: RaiseComplaint): Promise<Json> {
    if (typeof r?.sub_mchid !== 'string') throw new ControlError(400, 'PARAM_ERROR', 'sub_mchid is required');
    const sp = this.providerOf(r.sp_mchid, r.sub_mchid);
    const order = this.orderFor(sp.sp_mchid, r);
    const now = this.wall.now();
    const c: SimComplaint = {
      sp_mchid: sp.sp_mchid,
      complaint_id: `2002${digits(4)}${beijingDateTime(now).slice(0, 10).replace(/\D/g, '')}${digits(11)}`,
      complainted_mchid: r.sub_mchid,
      complaint_time: now,
      complaint_detail: r.complaint_detail ?? '商品未收到，商家不回复',
      complaint_state: 'PENDING',
      payer_phone: r.payer_phone ?? `138${digits(8)}`,
      payer_openid: `oUpF8u${randomBytes(10).toString('base64url')}`,
      order,
      problem_type: r.problem_type ?? (r.apply_refund_amount ? 'REFUND' : 'OTHERS'),
      problem_description: r.apply_refund_amount ? '申请退款' : '其他',
      ...(r.apply_refund_amount ? { apply_refund_amount: r.apply_refund_amount } : {}),
      user_complaint_times: 1,
      complaint_full_refunded: false,
      incoming_user_response: false,
      user_images: [],
      history: [],
      extra: r.extra && typeof r.extra === 'object' ? r.extra : {},
    };
    this.complaints.set(c.complaint_id, c);
    this.log(c, 'USER_CREATE_COMPLAINT', '用户', c.complaint_detail);
    if (r.notify !== false) await this.notify(c, 'CREATE_COMPLAINT');
    return this.controlView(c);
  }

  /** The control API: the buyer writes again (incoming_user_response) or continues a processed complaint. */
  async userAction(id: string, action: 'respond' | 'continue', content = '请尽快处理'): Promise<Json> {
    const c = this.complaints.get(id);
    if (!c) throw new ControlError(404, 'RESOURCE_NOT_EXISTS', 'no such complaint');
    if (action === 'continue') {
      c.user_complaint_times += 1;
      c.complaint_state = 'PENDING';
      this.log(c, 'USER_CONTINUE_COMPLAINT', '用户', content);
      await this.notify(c, 'CONTINUE_COMPLAINT');
    } else {
      c.incoming_user_response = true;
      this.log(c, 'USER_RESPONSE', '用户', content);
      await this.notify(c, 'USER_RESPONSE');
    }
    return this.controlView(c);
  }

  /** The control API: sends (again) a notification for a complaint, as WeChat Pay retrying or a new action would. */
  async renotify(id: string, actionType = 'CREATE_COMPLAINT'): Promise<{ event_id?: string }> {
    const c = this.complaints.get(id);
    if (!c) throw new ControlError(404, 'RESOURCE_NOT_EXISTS', 'no such complaint');
    return this.notify(c, actionType);
  }

  /** Every complaint, phones in plaintext (the control API only). */
  all(): Json[] {
    return [...this.complaints.values()].map((c) => this.controlView(c));
  }

  /** GET complaints-v2: begin/end dates required, span ≤ 30 days, limit 1–50, optional complainted_mchid. */
  list(sp: ServiceProvider, q: Record<string, string>): Json {
    const date = /^\d{4}-\d{2}-\d{2}$/;
    if (!date.test(q.begin_date ?? '')) throw WxError.param('begin_date', '必填，格式YYYY-MM-DD', 'query');
    if (!date.test(q.end_date ?? '')) throw WxError.param('end_date', '必填，格式YYYY-MM-DD', 'query');
    const begin = Date.parse(`${q.begin_date}T00:00:00+08:00`);
    const end = Date.parse(`${q.end_date}T00:00:00+08:00`) + 86_400_000;
    if (end <= begin) throw WxError.param('end_date', '结束日期不能早于开始日期', 'query');
    if (end - begin > 31 * 86_400_000) throw WxError.invalid('查询时间跨度不能超过30天');
    const limit = q.limit === undefined ? 10 : Number(q.limit);
    const offset = q.offset === undefined ? 0 : Number(q.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw WxError.param('limit', '取值范围1-50', 'query');
    if (!Number.isInteger(offset) || offset < 0) throw WxError.param('offset', '必须为非负整数', 'query');
    const all = [...this.complaints.values()]
      .filter((c) => c.sp_mchid === sp.sp_mchid && c.complaint_time >= begin && c.complaint_time < end)
      .filter((c) => !q.complainted_mchid || c.complainted_mchid === q.complainted_mchid)
      .sort((a, b) => b.complaint_time - a.complaint_time);
    return { data: all.slice(offset, offset + limit).map((c) => this.view(c, sp, false)), limit, offset, total_count: all.length };
  }

  detail(sp: ServiceProvider, id: string): Json {
    return this.view(this.find(sp, id), sp, true);
  }

  history(sp: ServiceProvider, id: string, q: Record<string, string>): Json {
    const c = this.find(sp, id);
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const offset = q.offset === undefined ? 0 : Number(q.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 300) throw WxError.param('limit', '取值范围1-300', 'query');
    const data = c.history.slice(offset, offset + limit).map((h) => ({
      ...h,
      operate_time: rfc3339Millis(h.operate_time),
      complaint_media_list: h.image_list.length
        ? [{ media_type: 'OPERATION_IMAGE', media_url: h.image_list.map((m) => this.mediaUrl(m)) }]
        : [],
    }));
    return { data, limit, offset, total_count: c.history.length };
  }

  /** POST …/response: the first reply moves PENDING to PROCESSING. */
  async respond(sp: ServiceProvider, id: string, body: unknown): Promise<void> {
    const { c, b } = this.write(sp, id, body);
    const content = b.response_content;
    if (typeof content !== 'string' || content.length === 0) throw WxError.param('/response_content', '必填');
    if (content.length > 200) throw WxError.param('/response_content', '长度不能超过200');
    const images = this.mediaIds(sp, b.response_images, '/response_images');
    if (c.complaint_state === 'PROCESSED') throw WxError.invalid('投诉单已处理完成，不能回复');
    if (c.complaint_state === 'PENDING') c.complaint_state = 'PROCESSING';
    c.incoming_user_response = false;
    this.log(c, 'MERCHANT_RESPONSE', '商户', content, images);
    await this.notify(c, 'MERCHANT_RESPONSE');
  }

  /** POST …/complete: PROCESSED; a second complete is refused. */
  async complete(sp: ServiceProvider, id: string, body: unknown): Promise<void> {
    const { c } = this.write(sp, id, body);
    if (c.complaint_state === 'PROCESSED') throw WxError.invalid('投诉单已处理完成');
    c.complaint_state = 'PROCESSED';
    this.log(c, 'MERCHANT_CONFIRM_COMPLETE', '商户', '商户已处理完成');
    await this.notify(c, 'MERCHANT_CONFIRM_COMPLETE');
  }

  /** POST …/update-refund-progress: APPROVE leaves the refund to the merchant; REJECT processes the complaint. */
  async refundDecision(sp: ServiceProvider, id: string, body: unknown): Promise<void> {
    const { c, b } = this.write(sp, id, body);
    if (b.action !== 'APPROVE' && b.action !== 'REJECT') throw WxError.param('/action', '取值须为APPROVE或REJECT');
    if (c.complaint_state === 'PROCESSED') throw WxError.invalid('投诉单已处理完成');
    if (b.action === 'REJECT') {
      if (typeof b.reject_reason !== 'string' || !b.reject_reason) throw WxError.param('/reject_reason', 'REJECT时必填');
      if (b.reject_reason.length > 200) throw WxError.param('/reject_reason', '长度不能超过200');
      const images = this.mediaIds(sp, b.reject_media_list, '/reject_media_list');
      c.complaint_state = 'PROCESSED';
      this.log(c, 'MERCHANT_REFUSE_RERUND', '商户', b.reject_reason, images);
      await this.notify(c, 'MERCHANT_REJECT_REFUND');
    } else {
      if (b.launch_refund_day !== undefined && (!Number.isInteger(b.launch_refund_day) || (b.launch_refund_day as number) < 0))
        throw WxError.param('/launch_refund_day', '须为非负整数');
      if (c.complaint_state === 'PENDING') c.complaint_state = 'PROCESSING';
      this.log(c, 'MERCHANT_APPROVE_REFUND', '商户', `同意退款，预计${Number(b.launch_refund_day ?? 0)}个工作日内退款`);
      await this.notify(c, 'MERCHANT_APPROVE_REFUND');
    }
  }

  /** POST /v3/merchant-service/images/upload: JPG/BMP/PNG up to 2 MB, sha256 checked. */
  upload(sp: ServiceProvider, meta: unknown, file: Buffer, contentType?: string): { media_id: string } {
    const m = (meta ?? {}) as { filename?: unknown; sha256?: unknown };
    if (typeof m.filename !== 'string' || !/\.(jpe?g|png|bmp)$/i.test(m.filename))
      throw WxError.param('/meta/filename', '文件名后缀须为JPG、BMP或PNG');
    if (typeof m.sha256 !== 'string' || m.sha256.toLowerCase() !== createHash('sha256').update(file).digest('hex'))
      throw WxError.param('/meta/sha256', '文件sha256与文件内容不一致');
    if (file.length > COMPLAINT_IMAGE_MAX_BYTES) throw WxError.param('/file', '图片大小不能超过2M');
    const media_id = `${randomBytes(12).toString('hex')}-${randomBytes(6).toString('base64url')}`;
    this.images.set(media_id, { sp_mchid: sp.sp_mchid, bytes: file, contentType: contentType ?? 'image/jpeg' });
    return { media_id };
  }

  image(sp: ServiceProvider, mediaId: string): { bytes: Buffer; contentType: string } {
    const img = this.images.get(mediaId);
    if (!img || img.sp_mchid !== sp.sp_mchid) throw WxError.resourceNotExists('图片不存在');
    return img;
  }

  /** Notification URL registration: create (once), query, update, delete (spec addendum §4.7). */
  notificationUrl(sp: ServiceProvider, method: 'post' | 'get' | 'put' | 'delete', body: unknown): Json | undefined {
    const current = this.urls.get(sp.sp_mchid);
    if (method === 'get') {
      if (!current) throw WxError.resourceNotExists('未设置投诉通知回调地址');
      return { mchid: sp.sp_mchid, url: current };
    }
    if (method === 'delete') {
      if (!current) throw WxError.resourceNotExists('未设置投诉通知回调地址');
      this.urls.delete(sp.sp_mchid);
      return undefined;
    }
    const url = (body as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url) || url.length > 256)
      throw WxError.param('/url', '必填，须为合法的http(s)地址');
    if (method === 'post' && current) throw WxError.invalid('投诉通知回调地址已存在，请使用更新接口');
    if (method === 'put' && !current) throw WxError.resourceNotExists('未设置投诉通知回调地址');
    this.urls.set(sp.sp_mchid, url);
    return { mchid: sp.sp_mchid, url };
  }

  /** Registered complaint URLs per provider (the control API). */
  registeredUrls(): Array<{ sp_mchid: string; url: string }> {
    return [...this.urls].map(([sp_mchid, url]) => ({ sp_mchid, url }));
  }

  private async notify(c: SimComplaint, action_type: string): Promise<{ event_id?: string }> {
    const url = this.urls.get(c.sp_mchid);
    const provider = this.state.providers.get(c.sp_mchid);
    if (!url || !provider) return {};
    return this.notifier.send({
      provider,
      url,
      event_type: action_type === 'CREATE_COMPLAINT' ? 'COMPLAINT.CREATE' : 'COMPLAINT.STATE_CHANGE',
      summary: action_type === 'CREATE_COMPLAINT' ? '产生新投诉' : '投诉单状态变化',
      original_type: 'complaint',
      resource: { complaint_id: c.complaint_id, action_type },
    });
  }

  private find(sp: ServiceProvider, id: string): SimComplaint {
    const c = this.complaints.get(id);
    if (!c || c.sp_mchid !== sp.sp_mchid) throw WxError.resourceNotExists('投诉单不存在');
    return c;
  }

  /** Common checks of the three writes: complaint_id never in the body, complainted_mchid required and right. */
  private write(sp: ServiceProvider, id: string, body: unknown): { c: SimComplaint; b: Json } {
    const c = this.find(sp, id);
    const b = (body && typeof body === 'object' ? body : {}) as Json;
    if ('complaint_id' in b) throw WxError.param('/complaint_id', '请勿在body中传递complaint_id');
    if (typeof b.complainted_mchid !== 'string') throw WxError.param('/complainted_mchid', '必填');
    if (b.complainted_mchid !== c.complainted_mchid) throw WxError.noAuth('被诉商户号与投诉单不匹配');
    return { c, b };
  }

  private mediaIds(sp: ServiceProvider, v: unknown, pointer: string): string[] {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.length > 4) throw WxError.param(pointer, '最多4个media_id');
    for (const id of v)
      if (typeof id !== 'string' || this.images.get(id)?.sp_mchid !== sp.sp_mchid) throw WxError.param(pointer, 'media_id无效');
    return v as string[];
  }

  private log(c: SimComplaint, operate_type: string, operator: string, details: string, images: string[] = []): void {
    c.history.push({
      log_id: `${c.complaint_id}-${c.history.length + 1}`,
      operator,
      operate_time: this.wall.now(),
      operate_type,
      operate_details: details,
      image_list: images.map((m) => this.mediaUrl(m)),
    });
  }

  private mediaUrl(mediaId: string): string {
    return mediaId.startsWith('https://') ? mediaId : `https://api.mch.weixin.qq.com/v3/merchant-service/images/${mediaId}`;
  }

  private view(c: SimComplaint, sp: ServiceProvider, detail: boolean): Json {
    return {
      complaint_id: c.complaint_id,
      complaint_time: rfc3339Millis(c.complaint_time),
      complaint_detail: c.complaint_detail,
      complaint_state: c.complaint_state,
      complainted_mchid: c.complainted_mchid,
      payer_phone: rsaOaepEncrypt(c.payer_phone, sp.merchantKey),
      ...(detail ? { payer_openid: c.payer_openid } : {}),
      complaint_order_info: [c.order],
      service_order_info: [],
      complaint_media_list: c.user_images.length
        ? [{ media_type: 'USER_COMPLAINT_IMAGE', media_url: c.user_images.map((m) => this.mediaUrl(m)) }]
        : [],
      complaint_full_refunded: c.complaint_full_refunded,
      incoming_user_response: c.incoming_user_response,
      problem_description: c.problem_description,
      user_complaint_times: c.user_complaint_times,
      problem_type: c.problem_type,
      ...(c.apply_refund_amount ? { apply_refund_amount: c.apply_refund_amount } : {}),
      user_tag_list: [],
      in_platform_service: false,
      need_immediate_service: false,
      is_agent_mode: false,
      ...c.extra,
    };
  }

  private controlView(c: SimComplaint): Json {
    return {
      sp_mchid: c.sp_mchid,
      complaint_id: c.complaint_id,
      complainted_mchid: c.complainted_mchid,
      complaint_state: c.complaint_state,
      complaint_time: rfc3339Millis(c.complaint_time),
      payer_phone: c.payer_phone,
      complaint_order_info: [c.order],
      user_complaint_times: c.user_complaint_times,
      history: c.history.map((h) => ({ operate_type: h.operate_type, operate_details: h.operate_details })),
    };
  }

  private providerOf(spMchid: string | undefined, subMchid: string): ServiceProvider {
    if (spMchid) {
      const p = this.state.providers.get(spMchid);
      if (!p) throw new ControlError(404, 'MCH_NOT_EXISTS', 'unknown sp_mchid');
      return p;
    }
    const found = [...this.state.providers.values()].filter((p) => this.state.sub(p.sp_mchid, subMchid));
    if (found.length === 0) throw new ControlError(404, 'MCH_NOT_EXISTS', 'no provider knows this sub_mchid: give sp_mchid');
    if (found.length > 1) throw new ControlError(409, 'AMBIGUOUS', 'several service providers have this sub_mchid: give sp_mchid');
    return found[0];
  }

  /** The order complained about: a known one (by out_trade_no or transaction_id) or, without either, a made-up paid one. */
  private orderFor(spMchid: string, r: RaiseComplaint): SimComplaint['order'] {
    if (r.out_trade_no || r.transaction_id) {
      const o = r.transaction_id ? this.state.orderByTransaction(r.transaction_id) : this.state.order(spMchid, r.out_trade_no!);
      if (!o || o.sub_mchid !== r.sub_mchid) throw new ControlError(404, 'ORDER_NOT_EXIST', 'no such order of this sub-merchant');
      if (!o.transaction_id) throw new ControlError(409, 'ORDER_NOT_PAID', 'a buyer complains about a paid order: pay it first');
      return { transaction_id: o.transaction_id, out_trade_no: o.out_trade_no, amount: o.total };
    }
    return { transaction_id: `4200${digits(24)}`, out_trade_no: `SIM${digits(12)}`, amount: r.amount ?? 100 };
  }
}
