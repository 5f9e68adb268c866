import type { Selectable } from 'kysely';

import type { Db, TriggersTable } from './schema.js';

/** A trigger as stored; `spec` carries its kind. */
export interface TriggerRecord {
  triggerId: string;
  name: string;
  spec: { kind: string } & Record<string, unknown>;
  enabled: boolean;
  characterIds: string[] | null;
  approval: string;
  priority: number;
  cooldownMinutes: number;
  caps: { perDay: number | null; perWeek: number | null };
  expiryMinutes: number;
  atGoodTime: boolean;
  builtin: boolean;
  webhookSecret: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** When it was created or last enabled: a schedule fires only for occurrences after it. */
  enabledAt: Date;
}

function toRecord(row: Selectable<TriggersTable>): TriggerRecord {
  return {
    triggerId: row.trigger_id,
    name: row.name,
    spec: { ...row.spec, kind: row.kind },
    enabled: row.enabled,
    characterIds: row.character_ids,
    approval: row.approval,
    priority: row.priority,
    cooldownMinutes: row.cooldown_minutes,
    caps: row.caps,
    expiryMinutes: row.expiry_minutes,
    atGoodTime: row.at_good_time,
    builtin: row.builtin,
    webhookSecret: row.webhook_secret,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    enabledAt: row.enabled_at,
  };
}

function toRow(tenantId: string, t: TriggerRecord) {
  return {
    tenant_id: tenantId,
    trigger_id: t.triggerId,
    name: t.name,
    kind: t.spec.kind,
    spec: JSON.stringify(t.spec),
    enabled: t.enabled,
    character_ids: t.characterIds,
    approval: t.approval,
    priority: t.priority,
    cooldown_minutes: t.cooldownMinutes,
    caps: JSON.stringify(t.caps),
    expiry_minutes: t.expiryMinutes,
    at_good_time: t.atGoodTime,
    builtin: t.builtin,
    webhook_secret: t.webhookSecret,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    enabled_at: t.enabledAt,
  };
}

/** Inserts a trigger; false when the id is taken (nothing written). */
export async function insertTrigger(db: Db, tenantId: string, trigger: TriggerRecord): Promise<boolean> {
  const result = await db
    .insertInto('triggers')
    .values(toRow(tenantId, trigger))
    .onConflict((oc) => oc.columns(['tenant_id', 'trigger_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Inserts the triggers (tenant, trigger) not there yet, many rows a statement. */
export async function insertMissingTriggers(
  db: Db,
  triggers: readonly { tenantId: string; trigger: TriggerRecord }[],
) {
  for (let i = 0; i < triggers.length; i += 500)
    await db
      .insertInto('triggers')
      .values(triggers.slice(i, i + 500).map((t) => toRow(t.tenantId, t.trigger)))
      .onConflict((oc) => oc.columns(['tenant_id', 'trigger_id']).doNothing())
      .execute();
}

/** The trigger, locked for the rest of the transaction when `lock` is set. */
export async function findTrigger(db: Db, tenantId: string, triggerId: string, lock = false) {
  let query = db
    .selectFrom('triggers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('trigger_id', '=', triggerId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toRecord(row);
}

export async function listTriggers(db: Db, tenantId: string, page: { after?: string; limit: number }) {
  let query = db.selectFrom('triggers').selectAll().where('tenant_id', '=', tenantId);
  if (page.after !== undefined) query = query.where('trigger_id', '>', page.after);
  const rows = await query.orderBy('trigger_id').limit(page.limit).execute();
  return rows.map(toRecord);
}

export async function replaceTrigger(db: Db, tenantId: string, trigger: TriggerRecord) {
  const { tenant_id: _, trigger_id: __, created_at: ___, ...set } = toRow(tenantId, trigger);
  await db
    .updateTable('triggers')
    .set(set)
    .where('tenant_id', '=', tenantId)
    .where('trigger_id', '=', trigger.triggerId)
    .execute();
}

export async function deleteTrigger(db: Db, tenantId: string, triggerId: string) {
  await db
    .deleteFrom('triggers')
    .where('tenant_id', '=', tenantId)
    .where('trigger_id', '=', triggerId)
    .execute();
}

/** Replaces a trigger's signing secret. */
export async function setTriggerSecret(
  db: Db,
  tenantId: string,
  triggerId: string,
  secret: string,
  now: Date,
) {
  await db
    .updateTable('triggers')
    .set({ webhook_secret: secret, updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('trigger_id', '=', triggerId)
    .execute();
}
