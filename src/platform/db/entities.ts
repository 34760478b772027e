/**
 * Every MikroORM entity of the application. Each feature appends its entities here; nothing else
 * in the ORM set-up needs to know about features.
 */
import type { EntityClass, EntitySchema } from '@mikro-orm/core';

export const ENTITIES: Array<EntityClass<unknown> | EntitySchema> = [];

/** Registers a feature's entities (called from each feature's entities index at import time). */
export function registerEntities(...entities: Array<EntityClass<unknown> | EntitySchema>): void {
  for (const e of entities) if (!ENTITIES.includes(e)) ENTITIES.push(e);
}
