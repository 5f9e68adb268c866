import { type Selectable, sql } from 'kysely';

import type { Db, TriggersTable } from './schema.js';

/**
 * A webhook trigger's signing secret as stored: sealed (`SecretBox`), or in plain text in a row
 * from before migration 0016 that no engine with a key has sealed yet.
 */
export type StoredHookSecret = { sealed: string } | { plain: string };

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
  holdoutPercent: number;
  holdoutUnit: 'user' | 'decision';
  builtin: boolean;
  webhookSecret: StoredHookSecret | null;
  createdAt: Date;
  updatedAt: Date;
  /** When it was created or last enabled: a schedule fires only for occurrences after it. */
  enabledAt: Date;
  minEngagement: 'passive' | 'curious' | 'engaged' | 'proactive' | null;
  /** The funnel it starts instead of one message: `{select: 'named', funnelId}` or `{select: 'best'}`. */
  funnel: Record<string, unknown> | null;
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
    holdoutPercent: row.holdout_percent,
    holdoutUnit: row.holdout_unit,
    builtin: row.builtin,
    webhookSecret: row.webhook_secret_sealed
      ? { sealed: row.webhook_secret_sealed }
      : row.webhook_secret
        ? { plain: row.webhook_secret }
        : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    enabledAt: row.enabled_at,
    minEngagement: row.min_engagement,
    funnel: row.funnel,
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
    holdout_percent: t.holdoutPercent,
    holdout_unit: t.holdoutUnit,
    builtin: t.builtin,
    webhook_secret_sealed: t.webhookSecret && 'sealed' in t.webhookSecret ? t.webhookSecret.sealed : null,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    enabled_at: t.enabledAt,
    min_engagement: t.minEngagement,
    funnel: t.funnel === null ? null : JSON.stringify(t.funnel),
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

/** Writes a trigger's fields back, but not its secret: `setTriggerSecret` and `sealPlainHookSecrets` do. */
export async function replaceTrigger(db: Db, tenantId: string, trigger: TriggerRecord) {
  const {
    tenant_id: _,
    trigger_id: __,
    created_at: ___,
    webhook_secret_sealed: ____,
    ...set
  } = toRow(tenantId, trigger);
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

/** Replaces a trigger's signing secret with a sealed one (and forgets a plain one). */
export async function setTriggerSecret(
  db: Db,
  tenantId: string,
  triggerId: string,
  sealed: string,
  now: Date,
) {
  await db
    .updateTable('triggers')
    .set({ webhook_secret_sealed: sealed, webhook_secret: null, updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('trigger_id', '=', triggerId)
    .execute();
}

/** Triggers whose signing secret is still in plain text, by (tenant, trigger) after `after`. */
export async function listPlainHookSecrets(
  db: Db,
  after: { tenantId: string; triggerId: string },
  limit: number,
) {
  const rows = await db
    .selectFrom('triggers')
    .select(['tenant_id', 'trigger_id', 'webhook_secret'])
    .where('webhook_secret', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('tenant_id', '>', after.tenantId),
        eb.and([eb('tenant_id', '=', after.tenantId), eb('trigger_id', '>', after.triggerId)]),
      ]),
    )
    .orderBy('tenant_id')
    .orderBy('trigger_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, triggerId: r.trigger_id, plain: r.webhook_secret! }));
}

/**
 * Stores each secret sealed in place of the plain one, if the plain one is still the one read
 * (another instance sealing the same rows at the same start, or a rotation meanwhile, wins);
 * returns how many were sealed here.
 */
export async function sealHookSecrets(
  db: Db,
  secrets: readonly { tenantId: string; triggerId: string; plain: string; sealed: string }[],
): Promise<number> {
  if (secrets.length === 0) return 0;
  const { rows } = await sql`
    update triggers t set webhook_secret_sealed = s.sealed, webhook_secret = null
    from unnest(${secrets.map((s) => s.tenantId)}::text[], ${secrets.map((s) => s.triggerId)}::text[],
                ${secrets.map((s) => s.plain)}::text[], ${secrets.map((s) => s.sealed)}::text[])
         as s(tenant_id, trigger_id, plain, sealed)
    where t.tenant_id = s.tenant_id and t.trigger_id = s.trigger_id and t.webhook_secret = s.plain
    returning 1`.execute(db);
  return rows.length;
}
