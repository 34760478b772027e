import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { registerEntities } from '../common/db/entities';

/**
 * A data key of the envelope: 32 random bytes that encrypt secrets, stored only wrapped
 * (AES-256-GCM) by a master key. `master_key_id` names which master key wrapped it, so a rotation
 * can re-wrap rows one at a time while readers still unwrap old and new rows.
 */
export interface DataKeyRow {
  id: string;
  master_key_id: string;
  /** base64(iv ‖ ciphertext ‖ tag). */
  wrapped: string;
  created_at: number;
  rewrapped_at: number | null;
}

export const DataKeySchema = new EntitySchema<DataKeyRow>({
  name: 'DataKey',
  tableName: 'data_key',
  properties: {
    id: { type: 'string', length: 40, primary: true },
    master_key_id: { type: 'string', length: 16, index: true },
    wrapped: { type: 'string', length: 255 },
    created_at: { type: new BigIntType('number') },
    rewrapped_at: { type: new BigIntType('number'), nullable: true },
  },
});

registerEntities(DataKeySchema);
