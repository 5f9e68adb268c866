import type { Db } from './schema.js';

/**
 * Records an accepted hook call's signature; false when it was recorded before (a replay).
 * Concurrent calls with one signature serialise on the primary key: exactly one gets true.
 */
export async function recordWebhookCall(
  db: Db,
  tenantId: string,
  triggerId: string,
  signature: string,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .insertInto('webhook_calls')
    .values({ tenant_id: tenantId, trigger_id: triggerId, signature, received_at: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'trigger_id', 'signature']).doNothing())
    .returning('signature')
    .execute();
  return rows.length === 1;
}

/** Forgets a trigger's signatures received before `before`: their timestamps are outside the window now. */
export async function deleteWebhookCallsBefore(db: Db, tenantId: string, triggerId: string, before: Date) {
  await db
    .deleteFrom('webhook_calls')
    .where('tenant_id', '=', tenantId)
    .where('trigger_id', '=', triggerId)
    .where('received_at', '<', before)
    .execute();
}
