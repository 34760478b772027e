import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';
import type { Clock } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { AuditLog, type WriteContext } from '../operators';
import { encryptSensitive, addReceiver, deleteReceiver, isUpstream, type PlatformKeys, type WxpayClient } from '@partnerpay/wxpay';
import { TenantsService, ProviderCredentials, type TenantDirectory, type TenantView, type Receiver } from '../tenancy';
import { MAX_RECEIVERS, type AddReceiverInput } from './profit-sharing.input';
import { ProfitSharingRepository } from './profit-sharing.repository';
import { maskName, receiverView } from './profit-sharing.view';

/**
 * Receivers, approved by operators only. The approval list is the tenant's own `profit_sharing.receivers`
 * (the one the 二清 guard reads, also set by PATCH and tenants:sync); adding one here also registers it
 * at WeChat Pay (name RSA-OAEP encrypted) and records the registration (relation, masked name).
 */
@injectable()
export class ReceiversService {
  constructor(
    @inject(ProfitSharingRepository) private readonly repo: ProfitSharingRepository,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Wxpay) private readonly wxpay: WxpayClient,
    @inject(TOKENS.PlatformKeys) private readonly keys: PlatformKeys,
    @inject(TOKENS.Tenants) private readonly directory: TenantDirectory,
    @inject(ProviderCredentials) private readonly providers: ProviderCredentials,
    @inject(TenantsService) private readonly tenants: TenantsService,
    @inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  private async tenant(id: string): Promise<TenantView> {
    const t = await this.directory.byId(id);
    if (!t) throw AppError.notFound('tenant');
    return t;
  }

  /** The sub_appid a PERSONAL_SUB_OPENID receiver's openid belongs to: the tenant's own app. */
  private subAppid(t: TenantView): string | undefined {
    return t.apps.find((a) => a.devMode !== 'centralized')?.appid;
  }

  /** POST /admin/v1/tenants/{id}/receivers: registers at WeChat Pay, then approves for the tenant. */
  async add(tenantId: string, input: AddReceiverInput, ctx: WriteContext) {
    const t = await this.tenant(tenantId);
    if (input.type === 'MERCHANT_ID' && !input.name)
      throw AppError.invalid([{ field: 'name', issue: "is required for MERCHANT_ID (the merchant's full registered name)" }]);
    if (input.relation_type === 'CUSTOM' && !input.custom_relation)
      throw AppError.invalid([{ field: 'custom_relation', issue: 'is required when relation_type is CUSTOM' }]);
    const subAppid = this.subAppid(t);
    if (input.type === 'PERSONAL_SUB_OPENID' && !subAppid)
      throw AppError.invalid([{ field: 'type', issue: 'PERSONAL_SUB_OPENID needs an AppID of the tenant bound to it' }]);
    const approved = (await this.tenants.get(tenantId)).profit_sharing.receivers;
    const known = approved.some((r) => r.type === input.type && r.account === input.account);
    if (!known && approved.length >= MAX_RECEIVERS)
      throw new AppError('UNPROCESSABLE', `a tenant has at most ${MAX_RECEIVERS} approved receivers; remove one first`);
    const sp = await this.providers.require(t.spMchid);
    const enc = input.name ? await encryptSensitive(this.keys, sp, { name: input.name }) : undefined;
    await addReceiver(
      this.wxpay,
      sp,
      {
        sub_mchid: t.subMchid,
        appid: sp.spAppid,
        ...(input.type === 'PERSONAL_SUB_OPENID' ? { sub_appid: subAppid } : {}),
        type: input.type,
        account: input.account,
        ...(enc ? { name: enc.fields.name } : {}),
        relation_type: input.relation_type,
        ...(input.custom_relation ? { custom_relation: input.custom_relation } : {}),
      },
      enc?.headers ?? {},
    );
    const reg = {
      id: newId('psv'),
      tenantId,
      type: input.type,
      account: input.account,
      relationType: input.relation_type,
      customRelation: input.custom_relation ?? null,
      nameMask: maskName(input.name),
      createdAt: this.clock.now(),
    };
    // Audited as what it is (not only as the tenant update that approves it), name masked.
    await this.repo.saveReceiver(reg, (em) =>
      this.audit.record(em, ctx, {
        action: 'receiver.add',
        target: `tenant:${tenantId}`,
        after: { type: input.type, account: input.account, relation_type: input.relation_type, name: reg.nameMask },
      }),
    );
    if (!known)
      await this.tenants.update(
        tenantId,
        {
          profit_sharing: {
            receivers: [
              ...approved.map((r) => ({ type: r.type as Receiver['type'], account: r.account })),
              { type: input.type, account: input.account },
            ],
          },
        },
        ctx,
      );
    return receiverView({ type: input.type, account: input.account }, reg);
  }

  /** GET /admin/v1/tenants/{id}/receivers: every approved receiver, with its WeChat Pay registration when made here. */
  async list(tenantId: string) {
    await this.tenant(tenantId);
    const approved = (await this.tenants.get(tenantId)).profit_sharing.receivers;
    const regs = await this.repo.receivers(tenantId);
    return approved.map((a) =>
      receiverView(
        a,
        regs.find((r) => r.type === a.type && r.account === a.account),
      ),
    );
  }

  /** DELETE /admin/v1/tenants/{id}/receivers/{account}: removed at WeChat Pay and no longer approved. */
  async remove(tenantId: string, account: string, ctx: WriteContext): Promise<void> {
    const t = await this.tenant(tenantId);
    const approved = (await this.tenants.get(tenantId)).profit_sharing.receivers;
    const reg = await this.repo.receiver(tenantId, account);
    const target = approved.find((r) => r.account === account) ?? (reg ? { type: reg.type, account } : undefined);
    if (!target) throw AppError.notFound(`receiver ${account}`);
    const sp = await this.providers.require(t.spMchid);
    try {
      await deleteReceiver(this.wxpay, sp, {
        sub_mchid: t.subMchid,
        appid: sp.spAppid,
        ...(target.type === 'PERSONAL_SUB_OPENID' ? { sub_appid: this.subAppid(t) } : {}),
        type: target.type,
        account,
      });
    } catch (err) {
      // Approved (e.g. by tenants:sync) but never registered at WeChat Pay: nothing to delete there.
      if (!isUpstream(err, 'INVALID_REQUEST')) throw err;
    }
    await this.repo.deleteReceiver(tenantId, target.type, account, (em) =>
      this.audit.record(em, ctx, {
        action: 'receiver.remove',
        target: `tenant:${tenantId}`,
        before: { type: target.type, account, name: reg?.nameMask ?? null },
      }),
    );
    const rest = approved.filter((r) => !(r.type === target.type && r.account === account));
    if (rest.length !== approved.length)
      await this.tenants.update(
        tenantId,
        { profit_sharing: { receivers: rest.map((r) => ({ type: r.type as Receiver['type'], account: r.account })) } },
        ctx,
      );
  }
}
