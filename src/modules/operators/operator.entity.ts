import { defineEntity, p, table, type RowOf } from '../../platform/db/table';

export type OperatorRole = 'admin' | 'viewer';

/** An operator made through the API; its token (`op_...`) is stored only as a SHA-256. */
export const OperatorEntity = defineEntity({
  name: 'Operator',
  tableName: 'operator',
  uniques: [{ name: 'operator_token_hash_unique', properties: ['tokenHash'] }],
  properties: {
    id: p.string().length(40).primary(),
    name: p.string().length(128),
    role: p.string().length(16).$type<OperatorRole>(),
    tokenHash: p.string().length(64),
    createdAt: p.bigint('number'),
    revokedAt: p.bigint('number').nullable(),
  },
});

/** One operator row. */
export type OperatorRow = RowOf<typeof OperatorEntity>;
/** The operator table. */
export const OPERATOR = table(OperatorEntity);
