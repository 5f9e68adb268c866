import type { CallbackInput, FunnelAnswer, ReplyInput } from '../../contract/funnel.schema.js';
import { type IntentRequest, speakerOf } from '../../domain/compose/compose-request.js';
import type { FunnelStep, StepIntent } from '../../domain/funnels/funnel.js';
import { readReplyAtStep } from '../../domain/funnels/reply-intent.js';
import { readButtonData } from '../../domain/funnels/step-message.js';
import { findCharacters } from '../../storage/character.repository.js';
import { findAnsweredMessage, lockActiveRun, lockRun } from '../../storage/funnel.repository.js';
import { lockUsers } from '../../storage/pair-state.repository.js';
import { findUserLocales } from '../../storage/user.repository.js';
import type { EngineContext } from '../kernel/resources.js';
import { announceStored, prepareEvents, storeEvents } from '../signals/ingest.js';
import {
  announceFunnelWrites,
  moveRun,
  noWrites,
  passThrough,
  stayed,
  templateOfRun,
  templatesOf,
} from './funnel-runs.js';

/** Rolls back a reply whose message id another forward recorded meanwhile. */
const ANSWERED = new Error('the message was answered meanwhile');

/** A reply the step's words leave undecided, at a step that asks the language model to read such replies. */
export interface Undecided {
  undecided: { runId: string; seq: number; step: FunnelStep };
}

/**
 * Reads a user's message before the bot does: with no funnel under way (or its hook not sent
 * yet) it passes through; otherwise the run moves (funnel-runs.ts) and the answer says whether
 * the funnel took it (`consumed`, its next step on its way through the outbox) or the bot must
 * answer it (an unrelated message at a decision step, which abandons the funnel; the message
 * after the handoff step, with the payload). A message id forwarded again gets the answer it got.
 * `read`: the language model's reading of it, for the step it was asked at.
 */
export async function answerReply(
  ctx: EngineContext,
  tenantId: string,
  input: ReplyInput,
  read?: ReadAhead,
): Promise<FunnelAnswer> {
  return (await replyOnce(ctx, tenantId, input, read, false)) as FunnelAnswer;
}

/**
 * `answerReply`, unless the step asks the language model to read a reply its words leave
 * undecided: then nothing is written, and the caller asks the model (outside any transaction)
 * and answers with its reading.
 */
export function answerReplyOrAsk(ctx: EngineContext, tenantId: string, input: ReplyInput) {
  return replyOnce(ctx, tenantId, input, undefined, true);
}

async function replyOnce(
  ctx: EngineContext,
  tenantId: string,
  input: ReplyInput,
  read: ReadAhead | undefined,
  askFirst: boolean,
): Promise<FunnelAnswer | Undecided> {
  const messageId = input.messageId ?? null;
  const writes = noWrites();
  const now = ctx.clock.now();
  const answer = await ctx.db
    .transaction()
    .execute(async (trx): Promise<FunnelAnswer | Undecided> => {
      // the run's lock first: a forward of the same message waits here, then finds it answered
      const row = await lockActiveRun(trx, tenantId, input.userId, input.characterId);
      if (messageId !== null) {
        const before = await findAnsweredMessage(trx, tenantId, input.userId, input.characterId, messageId);
        if (before) return before as FunnelAnswer;
      }
      if (!row) return passThrough('no_funnel');
      const template = templateOfRun(await templatesOf(ctx, trx, tenantId, [row]), row);
      const step = template.steps.find((s) => s.stepId === row.step_id)!;
      // the model's reading holds only for the step it was asked at
      const intent = read?.runId === row.run_id && read.seq === row.seq ? read.intent : undefined;
      if (askFirst && row.step_sent_at !== null && asksModel(step, input.text))
        return { undecided: { runId: row.run_id, seq: row.seq, step } };
      const reply = { kind: 'reply' as const, text: input.text, intent };
      const moved = await moveRun(trx, ctx, tenantId, row, template, reply, now, writes, messageId);
      if (!moved.recorded) throw ANSWERED;
      return moved.answer;
    })
    .catch(async (error) => {
      if (error !== ANSWERED || messageId === null) throw error;
      return (await findAnsweredMessage(
        ctx.db,
        tenantId,
        input.userId,
        input.characterId,
        messageId,
      )) as FunnelAnswer;
    });
  announceFunnelWrites(ctx, tenantId, writes);
  return answer;
}

/** Whether the step asks the model to read replies its words leave undecided, and this is one. */
function asksModel(step: FunnelStep, text: string): boolean {
  return step.intents.model && step.handoff === null && readReplyAtStep(step, text).intent === 'other';
}

/** A reply read before the run is locked (by the language model), for the step it was read at. */
export interface ReadAhead {
  runId: string;
  seq: number;
  intent: StepIntent;
}

/** What the language model is asked of a reply at a step: the character, the user's language, the step and its choices. */
export async function intentRequestFor(
  ctx: EngineContext,
  tenantId: string,
  input: ReplyInput,
  step: FunnelStep,
): Promise<IntentRequest> {
  const [[character], locales] = await Promise.all([
    findCharacters(ctx.db, tenantId, [input.characterId]),
    findUserLocales(ctx.db, tenantId, [input.userId]),
  ]);
  return {
    speaker: speakerOf(input.characterId, character),
    locale: locales.get(input.userId) ?? null,
    step: step.text,
    choices: step.choices.map((c) => ({ id: c.choiceId, label: c.label, action: c.action })),
    reply: input.text,
  };
}

/**
 * A button pressed, forwarded by the bot: data that is not a funnel button's passes through (the
 * bot's own); one of a run that has ended answers `already_ended`; one of a step the run has left
 * (or an earlier visit of the step) `outdated`; a valid one moves the run, exactly once: the run's
 * row is locked, and a second press (or a second instance forwarding the same press) finds the
 * step moved on.
 */
export async function answerCallback(
  ctx: EngineContext,
  tenantId: string,
  input: CallbackInput,
): Promise<FunnelAnswer> {
  const button = readButtonData(input.data);
  if (!button) return passThrough('not_a_funnel_button');
  const writes = noWrites();
  const now = ctx.clock.now();
  const triggers = await ctx.triggers.get(tenantId);
  let pressed: Awaited<ReturnType<typeof storeEvents>> | null = null;
  const answer = await ctx.db.transaction().execute(async (trx) => {
    // the user's row before the run's, the order the outbox takes them in (message_out, then the run)
    await lockUsers(trx, tenantId, [input.userId]);
    const row = await lockRun(trx, tenantId, input.userId, button.runId);
    if (!row || row.character_id !== input.characterId) return passThrough('unknown_run');
    if (row.status !== 'active') return stayed(row, 'already_ended', `run_${row.status}`);
    if (button.seq !== row.seq) return stayed(row, 'outdated', `left_step_${button.seq}`);
    const template = templateOfRun(await templatesOf(ctx, trx, tenantId, [row]), row);
    const choice = template.steps.find((s) => s.stepId === row.step_id)?.choices[button.index];
    if (!choice) return stayed(row, 'outdated', `no_choice_${button.index}`);
    const press = { kind: 'button' as const, stepId: row.step_id, choiceId: choice.choiceId };
    const moved = await moveRun(trx, ctx, tenantId, row, template, press, now, writes);
    // the press is the user's answer: stored as their message (once: its id is the button's), so
    // the hook's outcome gets its reply and the label is read as any reply is
    const { unique } = prepareEvents([
      {
        id: `button:${row.run_id}:${row.seq}`,
        kind: 'message_in',
        userId: row.user_id,
        characterId: row.character_id,
        at: now.toISOString(),
        text: choice.label,
        meta: {
          button: { runId: row.run_id, seq: row.seq, choiceId: choice.choiceId, action: choice.action },
        },
      },
    ]);
    pressed = await storeEvents(trx, ctx, tenantId, unique, triggers, now);
    return moved.answer;
  });
  announceFunnelWrites(ctx, tenantId, writes);
  if (pressed) announceStored(ctx, tenantId, pressed);
  return answer;
}
