import type { Database } from '../../platform/db/database';
import type { Clock } from '../../platform/clock';
import type { SecretBox } from '../../platform/secrets/secret-box';
import { AppError } from '../../platform/errors/errors';
import type { AuditLog, WriteContext } from '../operators';
import type { OpenPlatformRow } from './open-platform.entity';
import type { OpenPlatformRepository } from './open-platform.repository';
import type { OpenPlatformInput } from './open-platform.schemas';
import type { ComponentTokens } from './component-token';
import { accountPurpose, type AccountSecret } from './open-platform.secrets';
import { openPlatformJson, type OpenPlatformJson } from './open-platform.view';

const SECRETS = ['component_appsecret', 'token', 'encoding_aes_key'] as const;

/**
 * Open-platform accounts, registered by operators: create or replace (each secret sealed for its
 * own purpose, never echoed; omitted secrets are kept, so one can be rotated alone), read, list.
 * A rotated EncodingAESKey keeps the previous one for pushes already on their way; a rotated
 * AppSecret drops the shared token, which was fetched with the old one.
 */
export class OpenPlatformsService {
  constructor(
    private readonly db: Database,
    private readonly repo: OpenPlatformRepository,
    private readonly tokens: ComponentTokens,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly publicBaseUrl: string,
  ) {}

  json(row: OpenPlatformRow): OpenPlatformJson {
    return openPlatformJson(row, this.clock.now(), this.publicBaseUrl);
  }

  /** PUT: creates (201) or replaces (200) an account. */
  async put(componentAppid: string, input: OpenPlatformInput, ctx: WriteContext): Promise<{ created: boolean; account: OpenPlatformJson }> {
    const seal = (what: AccountSecret, v: string | undefined) =>
      v === undefined ? undefined : this.box.seal(v, accountPurpose(componentAppid, what));
    // Sealed before the transaction: SecretBox uses its own connection.
    const [appsecret, token, aesKey] = await Promise.all([
      seal('component_appsecret', input.component_appsecret),
      seal('token', input.token),
      seal('encoding_aes_key', input.encoding_aes_key),
    ]);
    const before = await this.repo.find(componentAppid);
    // The key that stops being current stays readable as the previous one (re-sealed under its new purpose).
    const oldKey =
      before && input.encoding_aes_key !== undefined
        ? await this.box.open(before.encodingAesKey, accountPurpose(componentAppid, 'encoding_aes_key'))
        : undefined;
    const previous =
      oldKey !== undefined && oldKey !== input.encoding_aes_key
        ? await this.box.seal(oldKey, accountPurpose(componentAppid, 'previous_encoding_aes_key'))
        : undefined;
    const changed = SECRETS.filter((k) => input[k] !== undefined);
    const result = await this.db.tx(async (em) => {
      const current = await this.repo.find(componentAppid, em);
      const now = this.clock.now();
      if (!current) {
        const missing = SECRETS.filter((k) => input[k] === undefined);
        if (missing.length) throw AppError.invalid(missing.map((field) => ({ field, issue: 'is required to register an open platform' })));
        const row: OpenPlatformRow = {
          componentAppid,
          name: input.name,
          componentAppsecret: appsecret!,
          token: token!,
          encodingAesKey: aesKey!,
          previousEncodingAesKey: null,
          ticket: null,
          ticketCreatedAt: null,
          ticketReceivedAt: null,
          accessToken: null,
          accessTokenExpiresAt: null,
          accessTokenVersion: 0,
          tokenFetchedAt: null,
          refreshOwner: null,
          refreshUntil: null,
          tokenError: null,
          tokenErrorAt: null,
          createdAt: now,
          updatedAt: now,
        };
        await this.repo.insert(em, row);
        await this.audit.record(em, ctx, {
          action: 'open_platform.create',
          target: `open_platform:${componentAppid}`,
          after: { name: row.name, secrets_set: SECRETS },
        });
        return { created: true, row };
      }
      const row: OpenPlatformRow = {
        ...current,
        name: input.name,
        componentAppsecret: appsecret ?? current.componentAppsecret,
        token: token ?? current.token,
        encodingAesKey: aesKey ?? current.encodingAesKey,
        previousEncodingAesKey: previous ?? current.previousEncodingAesKey,
        updatedAt: now,
      };
      await this.repo.replaceSecrets(em, row);
      if (appsecret) {
        await this.repo.dropToken(em, componentAppid);
        row.accessToken = null;
        row.accessTokenExpiresAt = null;
      }
      await this.audit.record(em, ctx, {
        action: 'open_platform.update',
        target: `open_platform:${componentAppid}`,
        before: { name: current.name },
        after: { name: row.name, secrets_rotated: changed },
      });
      return { created: false, row };
    });
    if (input.component_appsecret !== undefined) this.tokens.forget(componentAppid);
    return { created: result.created, account: this.json(result.row) };
  }

  /** The account, or 404. */
  async get(componentAppid: string): Promise<OpenPlatformRow> {
    const row = await this.repo.find(componentAppid);
    if (!row) throw AppError.notFound(`open platform ${componentAppid}`);
    return row;
  }

  /** Every account. */
  async list(): Promise<OpenPlatformJson[]> {
    return (await this.repo.all()).map((r) => this.json(r));
  }
}
