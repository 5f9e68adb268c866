import { sql } from 'kysely';
import type { Db } from './schema.js';

/** Marks an address a platform said will never work; it is passed over until the address changes. */
export async function markUnreachable(
  db: Db,
  d: { tenantId: string; userId: string; channel: string; address: string },
  reason: string,
  now: Date,
) {
  await sql`
    insert into unreachable_addresses (tenant_id, user_id, channel, address, reason, at)
    values (${d.tenantId}, ${d.userId}, ${d.channel}, ${d.address}, ${reason}, ${now})
    on conflict (tenant_id, user_id, channel, address) do update set reason = excluded.reason, at = excluded.at`.execute(
    db,
  );
}

/** A user's unreachable addresses. */
export async function listUnreachable(db: Db, tenantId: string, userId: string) {
  return db
    .selectFrom('unreachable_addresses')
    .select(['channel', 'address', 'reason', 'at'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('channel')
    .execute();
}
