import { AppError } from '../../platform/errors/errors';
import type { AppBinding } from './tenant-directory';

/**
 * 422 APP_NOT_AUTHORIZED for a third_party app whose owner withdrew its authorisation on the open
 * platform: no new order, payment or login for it. Orders already paid stay refundable.
 */
export function assertAppAuthorized(binding: AppBinding, tenantId: string): void {
  if (binding.authorized !== false) return;
  throw new AppError(
    'APP_NOT_AUTHORIZED',
    `the owner of mini-program ${binding.appid} withdrew its authorisation of the ISV's open platform; it takes no new orders, ` +
      `payments or logins until it is authorised again (an operator sends the owner a new link: ` +
      `POST /admin/v1/open-platforms/{component_appid}/authorizations {"tenant_id": "${tenantId}"})`,
    { appid: binding.appid },
  );
}
