import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { registerEntities } from '../common/db/entities';

export type OperatorRole = 'admin' | 'viewer';

/** An operator made through the API; its token (`op_...`) is stored only as a SHA-256. */
export interface OperatorRow {
  id: string;
  name: string;
  role: OperatorRole;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export const OperatorSchema = new EntitySchema<OperatorRow>({
  name: 'Operator',
  tableName: 'operator',
  uniques: [{ name: 'operator_token_hash_unique', properties: ['token_hash'] }],
  properties: {
    id: { type: 'string', length: 40, primary: true },
    name: { type: 'string', length: 128 },
    role: { type: 'string', length: 16 },
    token_hash: { type: 'string', length: 64 },
    created_at: { type: new BigIntType('number') },
    revoked_at: { type: new BigIntType('number'), nullable: true },
  },
});

registerEntities(OperatorSchema);
