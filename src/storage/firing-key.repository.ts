import type { Db } from './schema.js';

/**
 * Remembers the key of a call that fired a trigger for a pair; false when it was remembered
 * already (the same call again). Concurrent calls with one key serialise on the primary key:
 * exactly one gets true.
 */
export async function rememberFiringKey(
  db: Db,
  tenantId: string,
  firing: { userId: string; characterId: string; triggerId: string; key: string },
  now: Date,
): Promise<boolean> {
  const rows = await db
    .insertInto('firing_keys')
    .values({
      tenant_id: tenantId,
      user_id: firing.userId,
      character_id: firing.characterId,
      trigger_id: firing.triggerId,
      occasion_key: firing.key,
      received_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'user_id', 'character_id', 'trigger_id', 'occasion_key']).doNothing(),
    )
    .returning('occasion_key')
    .execute();
  return rows.length === 1;
}
