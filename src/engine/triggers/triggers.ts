import { randomBytes } from 'node:crypto';
import { notFound, OvertureError } from '../../contract/errors.js';
import type { TriggerCreate, TriggerPatch, TriggerView } from '../../contract/trigger.schema.js';
import type { FunnelRequest } from '../../domain/funnels/select-funnel.js';
import { parseDuration } from '../../domain/shared/duration.js';
import type { ScheduleRule } from '../../domain/triggers/schedule.js';
import type { ApprovalMode, ScheduleZone, Trigger, TriggerSpec } from '../../domain/triggers/trigger.js';
import { listFunnels } from '../../storage/funnel.repository.js';
import { requestTenantRearm } from '../../storage/schedule.repository.js';
import type { Db } from '../../storage/schema.js';
import {
  deleteTrigger,
  findTrigger,
  insertMissingTriggers,
  insertTrigger,
  listTriggers,
  replaceTrigger,
  setTriggerSecret,
  type TriggerRecord,
} from '../../storage/trigger.repository.js';
import { appendAudit } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';
import { newHookSecret } from './hook-secrets.js';

/**
 * Registered for every tenant, disabled; one call enables one. Ids are fixed so that bots and
 * operators can name them.
 */
const BUILTIN_TRIGGERS: readonly (TriggerCreate & { id: string })[] = [
  {
    id: 'idle-check-in',
    name: 'Check in after a day of silence, at an hour the user is usually around',
    spec: { kind: 'silence', afterHours: 24 },
    atGoodTime: true,
    ...defaults({ cooldownMinutes: 24 * 60, expiryMinutes: 24 * 60 }),
  },
  {
    id: 'daily-standup',
    name: 'Weekday stand-up at 09:00 in the user’s zone',
    spec: { kind: 'schedule', cron: '0 9 * * 1-5', zone: 'user' },
    atGoodTime: false,
    ...defaults({ cooldownMinutes: 12 * 60, expiryMinutes: 3 * 60 }),
  },
  {
    id: 'weekly-review',
    name: 'Friday review at 17:00 in the user’s zone',
    spec: { kind: 'schedule', cron: '0 17 * * 5', zone: 'user' },
    atGoodTime: false,
    ...defaults({ cooldownMinutes: 6 * 24 * 60, expiryMinutes: 6 * 60 }),
  },
  {
    id: 'open-loop-follow-up',
    name: 'Ask how it went, two hours after something the user said would happen, at a good hour',
    spec: { kind: 'follow_up', delayMinutes: 120 },
    atGoodTime: true,
    ...defaults({ cooldownMinutes: 12 * 60, expiryMinutes: 24 * 60, priority: 5 }),
  },
  {
    id: 'webhook-alert',
    name: 'Alert from an outside system, through the signed hook',
    spec: { kind: 'webhook' },
    atGoodTime: false,
    ...defaults({ cooldownMinutes: 0, expiryMinutes: 60, priority: 10 }),
  },
];

function defaults(over: { cooldownMinutes: number; expiryMinutes: number; priority?: number }) {
  return {
    enabled: false,
    characterIds: null,
    approval: 'auto' as const,
    priority: 0,
    caps: { perDay: null, perWeek: null },
    minEngagement: null,
    holdoutPercent: 0,
    holdoutUnit: 'user' as const,
    funnel: null,
    ...over,
  };
}

/** Registers the built-in triggers the tenants lack (at tenant creation, and at start for older tenants). */
export async function ensureBuiltinTriggers(db: Db, tenantIds: readonly string[], now: Date) {
  const builtins = BUILTIN_TRIGGERS.map((b) => toRecord(b, now, true));
  await insertMissingTriggers(
    db,
    tenantIds.flatMap((tenantId) => builtins.map((trigger) => ({ tenantId, trigger }))),
  );
}

function toRecord(input: TriggerCreate & { id: string }, now: Date, builtin: boolean): TriggerRecord {
  return {
    triggerId: input.id,
    name: input.name,
    spec: input.spec,
    enabled: input.enabled,
    characterIds: input.characterIds,
    approval: input.approval,
    priority: input.priority,
    cooldownMinutes: input.cooldownMinutes,
    caps: input.caps,
    expiryMinutes: input.expiryMinutes,
    atGoodTime: input.atGoodTime ?? input.spec.kind === 'follow_up',
    minEngagement: input.minEngagement,
    holdoutPercent: input.holdoutPercent,
    holdoutUnit: input.holdoutUnit,
    funnel: input.funnel ?? null,
    builtin,
    webhookSecret: null,
    createdAt: now,
    updatedAt: now,
    enabledAt: now,
  };
}

function triggerView(record: TriggerRecord): TriggerView {
  const { webhookSecret: _, createdAt, updatedAt, enabledAt, ...rest } = record;
  return {
    ...rest,
    ...(record.spec.kind === 'webhook' ? { hookUrl: `/v1/hooks/${record.triggerId}` } : {}),
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    enabledAt: enabledAt.toISOString(),
  };
}

const newTriggerId = () => `trg_${randomBytes(8).toString('hex')}`;

/**
 * Creates a trigger. A webhook trigger gets a signing secret, returned in this response only
 * (as `secret`), as API keys are, and stored sealed: without OVERTURE_SECRET_KEY it is refused
 * (409 naming `secret`) before anything is written.
 */
export async function createTrigger(
  ctx: EngineContext,
  tenantId: string,
  input: TriggerCreate,
  actor: string,
) {
  const now = ctx.clock.now();
  const record = toRecord({ ...input, id: input.id ?? newTriggerId() }, now, false);
  const hookSecret = record.spec.kind === 'webhook' ? newHookSecret(ctx, tenantId, record.triggerId) : null;
  const secret = hookSecret?.secret;
  record.webhookSecret = hookSecret?.stored ?? null;
  await ctx.db.transaction().execute(async (trx) => {
    await requireFunnel(trx, tenantId, record.funnel);
    if (!(await insertTrigger(trx, tenantId, record)))
      throw new OvertureError('conflict', `trigger "${record.triggerId}" already exists`);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'trigger.created',
      subject: `trigger:${record.triggerId}`,
      detail: triggerView(record),
    });
    await requestTenantRearm(trx, tenantId, now);
  });
  triggerChanged(ctx, tenantId, record.triggerId);
  return { ...triggerView(record), ...(secret ? { secret } : {}) };
}

export async function getTrigger(ctx: EngineContext, tenantId: string, triggerId: string) {
  const record = await findTrigger(ctx.db, tenantId, triggerId);
  if (!record) throw notFound(`trigger "${triggerId}"`);
  return triggerView(record);
}

export async function listTriggerPage(
  ctx: EngineContext,
  tenantId: string,
  page: { after?: string; limit: number },
) {
  const triggers = await listTriggers(ctx.db, tenantId, page);
  return {
    triggers: triggers.map(triggerView),
    next: triggers.length === page.limit ? triggers.at(-1)!.triggerId : null,
  };
}

/** Changes the fields a patch names, recording before and after; the kind cannot change. */
export async function updateTrigger(
  ctx: EngineContext,
  tenantId: string,
  triggerId: string,
  patch: TriggerPatch,
  actor: string,
  action = 'trigger.updated',
) {
  const now = ctx.clock.now();
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const before = await findTrigger(trx, tenantId, triggerId, true);
    if (!before) throw notFound(`trigger "${triggerId}"`);
    if (patch.spec && patch.spec.kind !== before.spec.kind)
      throw new OvertureError('invalid_request', 'spec.kind cannot change; create a new trigger instead', [
        { path: 'spec.kind', field: 'kind', rule: `must stay "${before.spec.kind}"` },
      ]);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const after: TriggerRecord = { ...before, ...defined, updatedAt: now };
    if (patch.funnel !== undefined) await requireFunnel(trx, tenantId, after.funnel);
    // a schedule fires only for occurrences after this: none missed while it was off
    if (after.enabled && !before.enabled) after.enabledAt = now;
    await replaceTrigger(trx, tenantId, after);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action,
      subject: `trigger:${triggerId}`,
      detail: { before: triggerView(before), after: triggerView(after) },
    });
    await requestTenantRearm(trx, tenantId, now);
    return after;
  });
  triggerChanged(ctx, tenantId, triggerId);
  return triggerView(updated);
}

export function setTriggerEnabled(
  ctx: EngineContext,
  tenantId: string,
  triggerId: string,
  enabled: boolean,
  actor: string,
) {
  return updateTrigger(
    ctx,
    tenantId,
    triggerId,
    { enabled },
    actor,
    enabled ? 'trigger.enabled' : 'trigger.disabled',
  );
}

/** Deletes a trigger; built-in ones can only be disabled. */
export async function removeTrigger(ctx: EngineContext, tenantId: string, triggerId: string, actor: string) {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findTrigger(trx, tenantId, triggerId, true);
    if (!before) throw notFound(`trigger "${triggerId}"`);
    if (before.builtin)
      throw new OvertureError(
        'conflict',
        `trigger "${triggerId}" is built in; disable it instead of deleting it`,
      );
    await deleteTrigger(trx, tenantId, triggerId);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'trigger.deleted',
      subject: `trigger:${triggerId}`,
      detail: { before: triggerView(before) },
    });
    await requestTenantRearm(trx, tenantId, now);
  });
  triggerChanged(ctx, tenantId, triggerId);
}

/**
 * Gives a webhook trigger a new signing secret, returned in this response only: the built-in
 * `webhook-alert` has none until then, and a leaked one is replaced here. The old secret stops
 * working at once. The audit entry records the rotation, never the secret. Stored sealed: without
 * OVERTURE_SECRET_KEY it is refused (409 naming `secret`).
 */
export async function rotateTriggerSecret(
  ctx: EngineContext,
  tenantId: string,
  triggerId: string,
  actor: string,
) {
  const now = ctx.clock.now();
  const secret = await ctx.db.transaction().execute(async (trx) => {
    const before = await findTrigger(trx, tenantId, triggerId, true);
    if (!before) throw notFound(`trigger "${triggerId}"`);
    if (before.spec.kind !== 'webhook')
      throw new OvertureError(
        'conflict',
        `trigger "${triggerId}" is of kind ${before.spec.kind}; only webhook triggers have a signing secret`,
      );
    const { secret, stored } = newHookSecret(ctx, tenantId, triggerId);
    await setTriggerSecret(trx, tenantId, triggerId, stored.sealed, now);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'trigger.secret_rotated',
      subject: `trigger:${triggerId}`,
      detail: { replaced: before.webhookSecret !== null },
    });
    return secret;
  });
  triggerChanged(ctx, tenantId, triggerId);
  return { triggerId, secret };
}

/** A trigger that names a funnel names one that exists (a deleted one later falls back to the plain opener). */
async function requireFunnel(db: Db, tenantId: string, funnel: TriggerRecord['funnel']) {
  const named = funnel?.select === 'named' ? String(funnel.funnelId) : null;
  if (named === null || (await listFunnels(db, tenantId, [named])).length > 0) return;
  throw new OvertureError('invalid_request', `funnel.funnelId names no funnel: "${named}"`, [
    { path: 'funnel.funnelId', field: 'funnelId', rule: `names no funnel: "${named}"` },
  ]);
}

/** Every pair of the tenant is decided again: a trigger's schedule, conditions or reach changed. */
function triggerChanged(ctx: EngineContext, tenantId: string, triggerId: string) {
  ctx.events.emit('trigger.updated', { tenantId, triggerId });
  ctx.events.emit('rearm.requested', { tenantId });
}

/** The trigger as `decide` reads it. */
export function toDomainTrigger(record: TriggerRecord): Trigger {
  return {
    id: record.triggerId,
    name: record.name,
    spec: toDomainSpec(record.spec as TriggerCreate['spec']),
    enabled: record.enabled,
    characterIds: record.characterIds,
    approval: record.approval as ApprovalMode,
    priority: record.priority,
    cooldownMinutes: record.cooldownMinutes,
    caps: record.caps,
    minEngagement: record.minEngagement,
    expiryMinutes: record.expiryMinutes,
    atGoodTime: record.atGoodTime,
    enabledAtMs: record.enabledAt.getTime(),
    holdout: { probability: record.holdoutPercent / 100, unit: record.holdoutUnit },
    funnel: (record.funnel as FunnelRequest | null) ?? null,
  };
}

function toDomainSpec(spec: TriggerCreate['spec']): TriggerSpec {
  if (spec.kind !== 'schedule' && spec.kind !== 'llm') return spec;
  const zone: ScheduleZone = spec.zone === 'user' ? { kind: 'user' } : { kind: 'named', zone: spec.zone };
  const rule: ScheduleRule =
    spec.cron !== undefined
      ? { cron: spec.cron }
      : {
          everyMinutes: parseDuration(spec.every!)! / 60_000,
          startsAtLocalMs: Date.parse(`${spec.startsAt}:00Z`),
        };
  return spec.kind === 'llm'
    ? { kind: 'llm', question: spec.question, rule, zone }
    : { kind: 'schedule', rule, zone };
}

/** Every trigger of the tenant, for deciding. */
export async function loadTriggers(db: Db, tenantId: string): Promise<TriggerRecord[]> {
  const all: TriggerRecord[] = [];
  for (;;) {
    const page = await listTriggers(db, tenantId, { after: all.at(-1)?.triggerId, limit: 500 });
    all.push(...page);
    if (page.length < 500) return all;
  }
}
