import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { AppError, type ErrorCode } from '../../platform/errors/errors';
import type { Logger } from '../../platform/logging/logger';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import type { RateLimiter } from '../../platform/kv/kv';
import { LoginSecrets, ProviderCredentials, type TenantDirectory, type TenantView } from '../tenancy';
import { ComponentErrcodeError, ComponentLogin } from '../open-platform';
import type { WechatApi } from './wechat-api';
import {
  OrderService,
  ClientSecrets,
  CLIENT_SECRET,
  OrderRepository,
  paymentParams,
  type PaymentOrderRow,
  type PaymentParams,
} from '../payments';
import { checkoutOrderView, type CheckoutOrderView } from './checkout.view';
import { loginError } from './login-errors';
import { WechatErrcodeError } from './wechat-errors';

/** A NOTPAY order read by the result page asks WeChat Pay at most this often. */
const SYNC_EVERY_MS = 10_000;

/** Refusals the buyer cannot fix: the shop's or the platform's set-up is wrong (see forBuyer). */
const SETUP_CODES = new Set<ErrorCode>([
  'APP_SECRET_MISSING',
  'APP_NOT_AUTHORIZED',
  'APPID_MCHID_NOT_MATCH',
  'SECONDARY_CLEARING_FORBIDDEN',
  'UNPROCESSABLE',
]);

/** What the buyer reads for any of them. */
const BUYER_MESSAGE = 'this shop cannot take WeChat payments in this mini-program at the moment; please contact the shop';

/**
 * Mini-program checkout (/mp/v1): the buyer's phone holds only the order's client_secret and a
 * wx.login code. Every check that needs no network runs before WeChat is called, so bad input
 * writes nothing and costs no upstream call.
 */
@injectable()
export class CheckoutService {
  constructor(
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.RateLimiter) private readonly limiter: RateLimiter,
    @inject(TOKENS.Tenants) private readonly tenants: TenantDirectory,
    @inject(TOKENS.WechatApi) private readonly wechat: WechatApi,
    @inject(LoginSecrets) private readonly loginSecrets: LoginSecrets,
    @inject(ClientSecrets) private readonly clientSecrets: ClientSecrets,
    @inject(OrderService) private readonly orders: OrderService,
    @inject(ProviderCredentials) private readonly providers: ProviderCredentials,
    @inject(OrderRepository) private readonly orderRows: OrderRepository,
    @inject(ComponentLogin) private readonly componentLogin: ComponentLogin,
  ) {}

  /** The per-address budget of every /mp/v1 call, counted before anything else (guessing costs the guesser). */
  async throttle(address: string): Promise<void> {
    const byAddress = await this.limiter.hit(`mp:addr:${address}`, this.config.checkout.perAddressPerMinute, 60_000);
    if (!byAddress.allowed) throw AppError.rateLimited(byAddress.retryAfterMs / 1000, 'too many checkout calls from this address');
  }

  /**
   * The order the client_secret opens, or 404; an unknown order and a wrong secret are the same answer.
   * Only a call whose secret matched spends the order's budget: someone who knows just the order id
   * cannot use it up and lock the real buyer out. Wrong secrets spend their address's own, smaller budget.
   */
  private async open(orderId: string, clientSecret: string, address: string): Promise<{ order: PaymentOrderRow; tenant: TenantView }> {
    const notFound = async () => {
      const wrong = await this.limiter.hit(`mp:wrong:${address}`, this.config.checkout.wrongSecretsPerAddressPerMinute, 60_000);
      if (!wrong.allowed) return AppError.rateLimited(wrong.retryAfterMs / 1000, 'too many wrong client_secrets from this address');
      return AppError.notFound(`order ${orderId}`);
    };
    if (CLIENT_SECRET.exec(clientSecret)?.[1] !== orderId) throw await notFound();
    const order = await this.orderRows.findById(orderId);
    if (!order || !(await this.clientSecrets.matches(order, clientSecret))) throw await notFound();
    const byOrder = await this.limiter.hit(`mp:order:${orderId}`, this.config.checkout.perOrderPerMinute, 60_000);
    if (!byOrder.allowed) throw AppError.rateLimited(byOrder.retryAfterMs / 1000, 'too many checkout calls for this order');
    const tenant = await this.tenants.byId(order.tenantId);
    if (!tenant) throw AppError.notFound(`order ${orderId}`);
    return { order, tenant };
  }

  /** GET /mp/v1/orders/{id}: the result page's view (asks WeChat Pay now and then while unpaid). */
  async view(orderId: string, clientSecret: string, address: string): Promise<CheckoutOrderView> {
    let { order } = await this.open(orderId, clientSecret, address);
    const now = this.clock.now();
    if (order.tradeState === 'NOTPAY' && order.prepayId && now - (order.lastSyncedAt ?? order.prepayAt ?? 0) >= SYNC_EVERY_MS)
      order = await this.orders.sync(await this.providers.require(order.spMchid), order).catch(() => order);
    return checkoutOrderView(order);
  }

  /** POST /mp/v1/orders/{id}/pay: logs the buyer in, binds the first one, answers wx.requestPayment's parameters. */
  async pay(
    orderId: string,
    clientSecret: string,
    code: string,
    address: string,
  ): Promise<{ order: CheckoutOrderView; payment: PaymentParams }> {
    const { order, tenant } = await this.open(orderId, clientSecret, address);
    if (tenant.status !== 'active')
      throw new AppError('TENANT_SUSPENDED', 'this shop cannot take payments at the moment; the buyer should contact the shop');
    this.orders.assertOpen(order);
    if (this.clock.now() >= order.timeExpire)
      throw new AppError('ORDER_CLOSED', `order ${order.outTradeNo} has expired; the shop must create a new order`);
    try {
      // The same checks as the tenant's POST /payment: bound and authorised AppID, and the 二清 guard.
      const binding = await this.orders.assertPayable(tenant, order);
      const openid = await this.login(tenant, order.appid, binding.devMode, code);
      const sp = await this.providers.require(tenant.spMchid);
      const bound = await this.bind(order, openid);
      const ready = await this.orders.ensurePrepay(sp, bound);
      this.orders.assertOpen(ready);
      return {
        order: checkoutOrderView(ready),
        payment: paymentParams(ready.appid, ready.prepayId!, sp.merchantPrivateKey, this.clock.now()),
      };
    } catch (err) {
      throw this.forBuyer(err, tenant, order);
    }
  }

  /**
   * A refusal caused by the shop's or the platform's set-up (no AppSecret, app unbound or not
   * authorised, 二清 guard) reaches the buyer as its code with a generic message: the buyer is not
   * authenticated and can fix none of it. The detail (tenant, AppID, what the operator must do) is
   * logged as a warning for the operator.
   */
  private forBuyer(err: unknown, tenant: TenantView, order: PaymentOrderRow): unknown {
    if (!(err instanceof AppError) || !SETUP_CODES.has(err.code)) return err;
    this.logger.warn(
      { tenant_id: tenant.id, sp_mchid: tenant.spMchid, appid: order.appid, order_id: order.id, code: err.code, detail: err.detail },
      `mini-program checkout refused by the shop's set-up: ${err.message}`,
    );
    return new AppError(err.code, BUYER_MESSAGE, undefined, { cause: err });
  }

  /**
   * The buyer's openid for a wx.login code: through the open platform's component API for a
   * third_party app authorised there (no AppSecret), else with the app's AppSecret.
   */
  private async login(tenant: TenantView, appid: string, devMode: string, code: string): Promise<string> {
    const component = devMode === 'third_party' ? await this.componentLogin.componentOf(appid) : undefined;
    try {
      if (component) return (await this.componentLogin.code2Session(component, appid, code)).openid;
      const login = await this.loginSecrets.forApp(tenant.id, tenant.spMchid, appid);
      if (!login.secret) throw missingSecret(tenant.id, appid, login.devMode);
      return (await this.wechat.code2Session(appid, login.secret, code)).openid;
    } catch (err) {
      // The component API refuses a code with the same errcodes as jscode2session: one explanation for both.
      throw loginError(
        err instanceof ComponentErrcodeError ? new WechatErrcodeError(err.errcode, err.errmsg) : err,
        appid,
        tenant.id,
        devMode,
      );
    }
  }

  /** The first buyer binds the order (one guarded UPDATE); anyone else is 409 PAYER_MISMATCH. */
  private async bind(order: PaymentOrderRow, openid: string): Promise<PaymentOrderRow> {
    if (!order.payerOpenid && (await this.orderRows.bindPayer(order.id, openid, this.clock.now())))
      return { ...order, payerOpenid: openid };
    const current = order.payerOpenid ? order : (await this.orderRows.findById(order.id))!;
    if (!current.payerOpenid) this.orders.assertOpen(current); // lost to a close or a payment, not to a buyer
    if (current.payerOpenid !== openid)
      throw new AppError(
        'PAYER_MISMATCH',
        'another WeChat user already opened the payment of this order; only that buyer can pay it, or the shop creates a new order',
      );
    return current;
  }
}

function missingSecret(tenantId: string, appid: string, devMode: string | undefined): AppError {
  if (devMode === 'third_party')
    return new AppError(
      'APP_SECRET_MISSING',
      `appid ${appid} is a third-party-platform app that is not authorised to an open platform registered in partnerpay, ` +
        'and has no AppSecret: an operator sends its owner an authorisation link ' +
        `(POST /admin/v1/open-platforms/{component_appid}/authorizations {"tenant_id": "${tenantId}"}), or sets its AppSecret ` +
        `(PATCH /admin/v1/tenants/${tenantId}/apps/${appid}), or the shop's back end creates the order with payer.openid`,
      { appid },
    );
  if (devMode === 'centralized')
    return new AppError(
      'APP_SECRET_MISSING',
      `the service provider's mini-program ${appid} has no AppSecret on file; an operator must set sp_app_secret ` +
        'with PUT /admin/v1/service-providers/{sp_mchid}',
      { appid },
    );
  return new AppError(
    'APP_SECRET_MISSING',
    `appid ${appid} has no AppSecret on file; an operator must set it with PATCH /admin/v1/tenants/${tenantId}/apps/${appid} ` +
      '{"app_secret": "..."}',
    { appid },
  );
}
