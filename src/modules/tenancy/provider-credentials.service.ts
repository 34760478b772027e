import { inject, injectable } from 'tsyringe';
import type { CredentialsProvider, ServiceProviderCredentials } from '@partnerpay/wxpay';
import { TOKENS } from '../../platform/tokens';
import { AppError } from '../../platform/errors/errors';

/**
 * "The provider's credentials or fail": what every module that calls WeChat Pay for a tenant asks
 * first (payments, profit sharing, bills, checkout, the reconcilers).
 */
@injectable()
export class ProviderCredentials {
  constructor(@inject(TOKENS.Credentials) private readonly credentials: CredentialsProvider) {}

  /** The credentials of `spMchid`; 503 SERVICE_UNAVAILABLE (an operator must configure it) when there are none. */
  async require(spMchid: string): Promise<ServiceProviderCredentials> {
    const sp = await this.credentials.get(spMchid);
    if (!sp)
      throw AppError.unavailable(
        `service provider ${spMchid} is not configured; an operator must PUT /admin/v1/service-providers/${spMchid}`,
      );
    return sp;
  }

  /** The credentials of a provider an operator names in the path; 404 NOT_FOUND when there is no such provider. */
  async named(spMchid: string): Promise<ServiceProviderCredentials> {
    const sp = await this.credentials.get(spMchid);
    if (!sp) throw AppError.notFound(`service provider ${spMchid} (PUT /admin/v1/service-providers/${spMchid} first)`);
    return sp;
  }
}
