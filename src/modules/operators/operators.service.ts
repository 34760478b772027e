import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../../platform/db/database';
import { rfc3339, type Clock } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { AppError } from '../../platform/errors/errors';
import { keysetPage, type Page } from '../../platform/http/paging';
import type { AuditLog, WriteContext } from './audit-log';
import type { OperatorRole, OperatorRow } from './operator.entity';
import type { OperatorRepository } from './operator.repository';

/** Who is calling the admin API. `id` is `bootstrap` for PARTNERPAY_ADMIN_TOKEN. */
export interface OperatorIdentity {
  id: string;
  name: string;
  role: OperatorRole;
}

/** SHA-256 hex of a token: tokens are 256-bit random, so a fast hash is enough (no guessable input to stretch). */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Constant-time equality of two strings via their SHA-256 (equal length, so timingSafeEqual applies). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** The API shape of an operator (never its token or hash). */
export function operatorJson(o: OperatorRow) {
  return { id: o.id, name: o.name, role: o.role, created_at: rfc3339(o.createdAt) };
}

/** Operators made through the API, with tokens `op_...` stored as hashes. */
export class OperatorsService {
  constructor(
    private readonly repo: OperatorRepository,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly bootstrapToken: string,
  ) {}

  /** Resolves a bearer token to an operator: the bootstrap token, or a live `op_...` token. */
  async authenticate(token: string): Promise<OperatorIdentity | undefined> {
    if (constantTimeEqual(token, this.bootstrapToken))
      return { id: 'bootstrap', name: 'bootstrap (PARTNERPAY_ADMIN_TOKEN)', role: 'admin' };
    if (!token.startsWith('op_')) return undefined;
    const hash = sha256Hex(token);
    const row = await this.repo.findLiveByTokenHash(hash);
    if (!row || !constantTimeEqual(row.tokenHash, hash)) return undefined;
    return { id: row.id, name: row.name, role: row.role };
  }

  /** Creates an operator; the token is in this answer only. */
  async create(name: string, role: OperatorRole, ctx: WriteContext): Promise<{ operator: OperatorRow; token: string }> {
    const token = `op_${randomBytes(32).toString('base64url')}`;
    const row: OperatorRow = { id: newId('opr'), name, role, tokenHash: sha256Hex(token), createdAt: this.clock.now(), revokedAt: null };
    await this.db.tx(async (em) => {
      await this.repo.insert(em, row);
      await this.audit.record(em, ctx, { action: 'operator.create', target: `operator:${row.id}`, after: operatorJson(row) });
    });
    return { operator: row, token };
  }

  /** Live operators, newest first. */
  async list(limit: number, cursor?: string): Promise<Page<ReturnType<typeof operatorJson>>> {
    const k = keysetPage<OperatorRow>('createdAt', cursor);
    const rows = await this.repo.listLive(limit + 1, k.after);
    return k.page(rows, limit, operatorJson);
  }

  /** Revokes an operator's token at once (404 when unknown or already revoked). */
  async revoke(id: string, ctx: WriteContext): Promise<void> {
    await this.db.tx(async (em) => {
      const row = await this.repo.findLive(id, em);
      // Guarded: of two concurrent revokes, one writes the audit entry and the other is 404.
      if (!row || !(await this.repo.revoke(em, id, this.clock.now()))) throw AppError.notFound('operator');
      await this.audit.record(em, ctx, { action: 'operator.revoke', target: `operator:${id}`, before: operatorJson(row) });
    });
  }
}
