import type { FunnelAnswer } from '../../contract/funnel.schema.js';
import type { Audience } from '../../domain/delivery/choose-channel.js';
import type { FunnelInput, FunnelRun, FunnelStep, FunnelTemplate } from '../../domain/funnels/funnel.js';
import { transitionFunnel } from '../../domain/funnels/funnel-machine.js';
import { renderStepText, stepButtons } from '../../domain/funnels/step-message.js';
import type { DeliveryRow } from '../../storage/delivery.repository.js';
import {
  type FunnelRunRow,
  findFunnelVersions,
  findRunsWithHookTopic,
  findStepSlots,
  type NewFunnelEvent,
  versionKey,
  writeRunMove,
} from '../../storage/funnel.repository.js';
import { endRunsOfFailedMessages } from '../../storage/funnel-delivery.repository.js';
import type { Db } from '../../storage/schema.js';
import { insertStepSuggestion, stepSuggestionInsert } from '../../storage/suggestion.repository.js';
import { deliveryFor, type FunnelMessage, insertPlanned } from '../delivery/outbox.js';
import {
  emitDelivery,
  emitFunnel,
  emitSuggestion,
  type FunnelTransitionNote,
} from '../kernel/announcements.js';
import { newId } from '../kernel/ids.js';
import type { EngineContext } from '../kernel/resources.js';
import { templateOf } from './funnel-templates.js';

const MINUTE = 60_000;
/** A step answers the user at once: not sent within this, it is stale and expires. */
const STEP_EXPIRY_MS = 30 * MINUTE;

/** Transition types that change nothing: no event is written for them. */
const NO_CHANGE = new Set(['passed_through', 'outdated', 'already_ended', 'not_due']);

/** What a transaction moved, announced once it commits. */
export interface FunnelWrites {
  notes: FunnelTransitionNote[];
  deliveries: DeliveryRow[];
  /** Step suggestions made (approved with a delivery, failed without one, or left to the drafter). */
  suggestions: {
    suggestionId: string;
    userId: string;
    characterId: string;
    status: 'approved' | 'failed' | 'drafting';
    reason: string | null;
    text: string | null;
  }[];
}

export const noWrites = (): FunnelWrites => ({ notes: [], deliveries: [], suggestions: [] });

/** Announces what a committed transaction moved: funnel transitions, then the step messages made. */
export function announceFunnelWrites(ctx: EngineContext, tenantId: string, w: FunnelWrites) {
  emitFunnel(ctx, tenantId, w.notes);
  for (const s of w.suggestions)
    emitSuggestion(ctx, tenantId, {
      suggestion_id: s.suggestionId,
      user_id: s.userId,
      character_id: s.characterId,
      status: s.status,
      status_reason: s.reason,
      text: s.text,
    });
  for (const d of w.deliveries) emitDelivery(ctx, d);
}

/**
 * The templates of these runs at the versions they started on, keyed by `versionKey`: from the
 * engine's memory (a version never changes), the others read in one statement and kept.
 */
export async function templatesOf(
  ctx: EngineContext,
  db: Db,
  tenantId: string,
  runs: readonly Pick<FunnelRunRow, 'funnel_id' | 'version'>[],
) {
  const templates = new Map<string, FunnelTemplate>();
  const missing: { funnelId: string; version: number }[] = [];
  for (const r of runs) {
    const key = versionKey(r.funnel_id, r.version);
    const kept = ctx.funnelVersions.get(`${tenantId}\u0000${key}`);
    if (kept) templates.set(key, kept);
    else missing.push({ funnelId: r.funnel_id, version: r.version });
  }
  if (missing.length === 0) return templates;
  for (const [key, v] of await findFunnelVersions(db, tenantId, missing)) {
    const template = templateOf(key.slice(0, key.lastIndexOf('@')), v.name, v.definition);
    ctx.funnelVersions.set(`${tenantId}\u0000${key}`, template);
    templates.set(key, template);
  }
  return templates;
}

export function templateOfRun(templates: Map<string, FunnelTemplate>, run: FunnelRunRow): FunnelTemplate {
  const t = templates.get(versionKey(run.funnel_id, run.version));
  if (!t) throw new Error(`funnel ${run.funnel_id} has no version ${run.version}`);
  return t;
}

/** An answer that leaves the message to the bot and changes nothing. */
export function passThrough(reason: string, run: FunnelRunRow | null = null): FunnelAnswer {
  return {
    consumed: false,
    event: 'passed_through',
    reason,
    runId: run?.run_id ?? null,
    funnelId: run?.funnel_id ?? null,
  };
}

/**
 * Moves a locked active run by one input, in the caller's transaction: the state machine decides
 * (domain/funnels/funnel-machine.ts); the run's new state, its event (with the answer, under the
 * message's id for a typed reply) and, when it sends a step, that step's message (a suggestion
 * approved at once and its delivery, buttons and all, through the outbox; or, for a step the
 * model writes, a suggestion the drafter takes) are written together. Returns the answer for the
 * bot, and false in `recorded` when the message id was recorded already (a concurrent forward).
 */
export async function moveRun(
  trx: Db,
  ctx: EngineContext,
  tenantId: string,
  row: FunnelRunRow,
  template: FunnelTemplate,
  input: FunnelInput,
  now: Date,
  writes: FunnelWrites,
  messageId: string | null = null,
): Promise<{ answer: FunnelAnswer; recorded: boolean }> {
  // the hook has not left yet (waiting for approval, or for its delivery): nothing to answer
  if (row.step_sent_at === null)
    return {
      answer:
        input.kind === 'reply' ? passThrough('hook_not_sent', row) : stayed(row, 'outdated', 'hook_not_sent'),
      recorded: true,
    };
  const t = transitionFunnel(template, runOf(row, template), input, now);
  if (NO_CHANGE.has(t.event.type))
    return { answer: stayed(row, t.event.type, t.event.reason), recorded: true };

  const sends = t.send !== null;
  const seq = sends ? row.seq + 1 : row.seq;
  const nextStep = sends ? template.steps.find((s) => s.stepId === t.send)! : null;
  const active = t.run.status === 'active';
  const next: FunnelRunRow = {
    ...row,
    status: t.run.status,
    step_id: t.run.stepId,
    seq,
    step_sent_at: sends ? now : row.step_sent_at,
    due_at:
      active && nextStep?.timeoutMinutes ? new Date(now.getTime() + nextStep.timeoutMinutes * MINUTE) : null,
    ended_at: active ? null : now,
    end_reason: active ? null : t.event.reason,
  };
  const step = nextStep && (await stepMessage(trx, tenantId, next, template, nextStep, now));
  const sent = step?.sent;
  const answer: FunnelAnswer = {
    consumed: t.consumed,
    event: t.event.type,
    reason: t.event.reason,
    runId: row.run_id,
    funnelId: row.funnel_id,
    ...(sent ? { next: sent } : {}),
    ...(t.handoff ? { handoff: { stepId: row.step_id, payload: t.handoff } } : {}),
  };
  const events: NewFunnelEvent[] = [
    eventOf(row, t.event.type, t.event.reason, row.step_id, row.seq, now, messageId, answer),
  ];
  if (sent) events.push(eventOf(row, 'step_sent', t.event.reason, sent.stepId, sent.seq, now, null, null));
  const recorded = await writeRunMove(trx, tenantId, next, events);
  // a forward of the same message answered it first: the caller rolls back, so nothing is queued
  if (!recorded) return { answer, recorded };
  for (const e of events) writes.notes.push(noteOf(e, next.status));
  if (step) await queueStep(trx, ctx, tenantId, next, step, now, writes);
  return { answer, recorded };
}

/** The run as the state machine reads it. */
function runOf(row: FunnelRunRow, template: FunnelTemplate): FunnelRun {
  return {
    funnelId: template.funnelId,
    stepId: row.step_id,
    status: row.status,
    stepSentAt: row.step_sent_at!,
  };
}

/** An answer about a run that the input did not move (a button outdated, a run already ended). */
export function stayed(row: FunnelRunRow, event: string, reason: string): FunnelAnswer {
  return { consumed: false, event, reason, runId: row.run_id, funnelId: row.funnel_id };
}

export function eventOf(
  row: Pick<FunnelRunRow, 'user_id' | 'run_id' | 'funnel_id' | 'character_id'>,
  type: string,
  reason: string,
  stepId: string,
  seq: number,
  at: Date,
  messageId: string | null,
  answer: FunnelAnswer | null,
): NewFunnelEvent {
  return {
    user_id: row.user_id,
    run_id: row.run_id,
    funnel_id: row.funnel_id,
    character_id: row.character_id,
    type,
    reason,
    step_id: stepId,
    seq,
    message_id: messageId,
    answer: answer as Record<string, unknown> | null,
    at,
  };
}

export function noteOf(e: NewFunnelEvent, status: string): FunnelTransitionNote {
  return {
    runId: e.run_id,
    funnelId: e.funnel_id,
    userId: e.user_id,
    characterId: e.character_id,
    type: e.type,
    reason: e.reason,
    stepId: e.step_id,
    seq: e.seq,
    status,
  };
}

/** The message of the step a run moves to, as it will be queued: its text, buttons and suggestion's id. */
interface StepMessage {
  sent: NonNullable<FunnelAnswer['next']>;
  audience: Audience;
}

/**
 * The message of the step a run is moving to, before anything is written: its text from the
 * step's template (null for a step the model writes), with the user's topic and the character
 * read only when the text has slots, and its buttons.
 */
async function stepMessage(
  trx: Db,
  tenantId: string,
  run: FunnelRunRow,
  template: FunnelTemplate,
  step: FunnelStep,
  now: Date,
): Promise<StepMessage> {
  // a text without slots says nothing of the user: it may go to any audience, and nothing is read
  const slots = step.text.includes('{')
    ? await findStepSlots(trx, tenantId, run)
    : { topic: null, character: null, audience: 'public' as const };
  const text = step.compose === 'model' ? null : renderStepText(step.text, slots);
  const choices = stepButtons(template, step.stepId, run.run_id, run.seq);
  const suggestionId = newId('sug', now.getTime());
  return {
    sent: { stepId: step.stepId, seq: run.seq, suggestionId, text, choices },
    audience: slots.audience,
  };
}

/**
 * Queues the message of the step a run just moved to: a suggestion under the unique key of (run,
 * place) and, for a template step, its delivery at once, with the step's buttons, marked as an
 * answer (no cap, quiet hour or conversation holds it). A step the model writes is left in
 * `drafting`.
 */
async function queueStep(
  trx: Db,
  ctx: EngineContext,
  tenantId: string,
  run: FunnelRunRow,
  { sent, audience }: StepMessage,
  now: Date,
  writes: FunnelWrites,
) {
  const suggestion = {
    tenantId,
    suggestionId: sent.suggestionId,
    userId: run.user_id,
    characterId: run.character_id,
    expiresAt: new Date(now.getTime() + STEP_EXPIRY_MS),
  };
  const text = sent.text;
  const made = { suggestionId: suggestion.suggestionId, userId: run.user_id, characterId: run.character_id };
  const row = {
    ...suggestion,
    triggerId: run.trigger_id,
    decisionId: run.decision_id,
    runId: run.run_id,
    seq: run.seq,
    text,
  };
  if (text === null) {
    await insertStepSuggestion(trx, tenantId, row, now);
    writes.suggestions.push({ ...made, status: 'drafting', reason: null, text });
    return;
  }
  const funnel = { runId: run.run_id, seq: run.seq, choices: sent.choices };
  const planned = await deliveryFor(trx, ctx, suggestion, { text, writtenFor: audience }, now, funnel);
  if (planned.delivery === null) {
    // nowhere to send it: the run ends as it does when a step's delivery fails
    await insertStepSuggestion(trx, tenantId, { ...row, failed: planned.reason }, now);
    writes.suggestions.push({ ...made, status: 'failed', reason: planned.reason, text });
    const at = { userId: run.user_id, runId: run.run_id, seq: run.seq };
    writes.notes.push(...(await endRunsOfFailedMessages(trx, tenantId, [at], planned.reason, now)));
    return;
  }
  // the suggestion and its delivery in one statement
  const first = stepSuggestionInsert(tenantId, row, now);
  writes.deliveries.push(await insertPlanned(trx, suggestion, planned.delivery, now, first));
  writes.suggestions.push({ ...made, status: 'approved', reason: null, text });
}

/**
 * The buttons of a funnel's message about to be queued (a hook drafted or approved, a step the
 * model wrote): the step the run is at, from the version it started on. A run that moved on or
 * ended has none to offer (its buttons would be outdated).
 */
export async function funnelMessageOf(
  ctx: EngineContext,
  db: Db,
  tenantId: string,
  userId: string,
  funnel: { runId: string; seq: number },
): Promise<FunnelMessage> {
  const run = (await findRunsWithHookTopic(db, tenantId, [{ userId, runId: funnel.runId }])).get(
    funnel.runId,
  );
  if (run?.status !== 'active' || run.seq !== funnel.seq) return { ...funnel, choices: [] };
  const template = templateOfRun(await templatesOf(ctx, db, tenantId, [run]), run);
  return { ...funnel, choices: stepButtons(template, run.step_id, run.run_id, run.seq) };
}
