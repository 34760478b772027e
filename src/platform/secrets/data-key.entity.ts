import { defineEntity, p, table, type RowOf } from '../db/table';

/**
 * A data key of the envelope: 32 random bytes that encrypt secrets, stored only wrapped
 * (AES-256-GCM) by a master key. `masterKeyId` names which master key wrapped it, so a rotation
 * can re-wrap rows one at a time while readers still unwrap old and new rows.
 */
export const DataKeyEntity = defineEntity({
  name: 'DataKey',
  tableName: 'data_key',
  properties: {
    id: p.string().length(40).primary(),
    masterKeyId: p.string().length(16).index(),
    /** base64(iv ‖ ciphertext ‖ tag). */
    wrapped: p.string().length(255),
    createdAt: p.bigint('number'),
    rewrappedAt: p.bigint('number').nullable(),
  },
});

/** One data key row. */
export type DataKeyRow = RowOf<typeof DataKeyEntity>;
/** The data_key table. */
export const DATA_KEY = table(DataKeyEntity);
