import type { SecretBox } from '../../platform/secrets/secret-box';
import type { OpenPlatformRow } from './open-platform.entity';

/** The AES-GCM purposes of an account's sealed columns: each ciphertext is bound to its account and column. */
export type AccountSecret = 'component_appsecret' | 'token' | 'encoding_aes_key' | 'previous_encoding_aes_key' | 'ticket' | 'access_token';

/** The purpose of one sealed column of an account. */
export const accountPurpose = (componentAppid: string, what: AccountSecret) => `open_platform:${componentAppid}:${what}`;

/** The purpose of an authorizer's sealed token. */
export const authorizerPurpose = (componentAppid: string, authorizerAppid: string, what: 'access_token' | 'refresh_token') =>
  `open_platform_authorization:${componentAppid}:${authorizerAppid}:${what}`;

/** The secrets that check and open pushes, in clear (read per push, never cached in clear). */
export async function pushSecretsOf(box: SecretBox, row: OpenPlatformRow): Promise<{ token: string; keys: string[] }> {
  const [token, current, previous] = await Promise.all([
    box.open(row.token, accountPurpose(row.componentAppid, 'token')),
    box.open(row.encodingAesKey, accountPurpose(row.componentAppid, 'encoding_aes_key')),
    row.previousEncodingAesKey
      ? box.open(row.previousEncodingAesKey, accountPurpose(row.componentAppid, 'previous_encoding_aes_key'))
      : undefined,
  ]);
  return { token, keys: previous ? [current, previous] : [current] };
}
