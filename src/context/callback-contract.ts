import { z } from 'zod';
import { Instant } from '../contract/common.js';
import type { TopicCandidate, TopicKind } from '../domain/topics/select-topic.js';

/**
 * What Overture POSTs to a bot's context callback (docs/CONTEXT-PROVIDER.md), as JSON, signed
 * like a webhook call: `X-Overture-Signature` over `<X-Overture-Timestamp>.<raw body>`.
 */
export interface ContextCallbackRequest {
  tenantId: string;
  userId: string;
  characterId: string;
  /** Why the context is wanted: `compose` (writing an opener) or `judge` (weighing a condition). */
  purpose: 'compose' | 'judge';
  /** The engine's now, ISO 8601 in UTC. */
  now: string;
  /** How many items Overture keeps at most, over every list together: more are cut. */
  limit: number;
}

const absent = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());

/** One thing the bot's memory holds about the user; fields of the bot's own are ignored. */
export const CallbackItem = z.object({
  id: z.string().min(1).max(200).meta({ description: "The bot's id of the item, stable across calls" }),
  text: z.string().trim().min(1).max(2000).meta({ description: 'What is known, in a sentence' }),
  mention: absent(z.string().trim().min(1).max(200)).meta({
    description: 'A short phrase an opener can name it by ("your interview")',
  }),
  salience: absent(z.number().min(0).max(1))
    .transform((v) => v ?? 0.5)
    .meta({ description: 'How much it matters to the user, 0 to 1 (default 0.5)' }),
  at: absent(Instant).meta({ description: 'When it was learned or happened (default: now)' }),
  dueAt: absent(Instant).meta({
    description: 'When the thing spoken of happens (open loops: "my interview is on Friday")',
  }),
  sensitive: absent(z.boolean())
    .transform((v) => v ?? false)
    .meta({ description: 'Never brought up in a public channel (default false)' }),
});
export type CallbackItem = z.output<typeof CallbackItem>;

const list = absent(z.array(CallbackItem));

/** The bot's answer: any of four lists, each optional; other fields are ignored. */
export const ContextCallbackResponse = z
  .object({
    facts: list,
    memories: list,
    openLoops: list,
    topics: list.meta({ description: 'Recent conversation topics' }),
  })
  .meta({ id: 'ContextCallbackResponse' });
export type ContextCallbackResponse = z.output<typeof ContextCallbackResponse>;

/** Which list holds which kind of candidate, and the prefix of its ids. */
const LISTS = [
  ['facts', 'fact'],
  ['memories', 'memory'],
  ['openLoops', 'open_loop'],
  ['topics', 'conversation'],
] as const satisfies readonly (readonly [keyof ContextCallbackResponse, TopicKind])[];

/**
 * The answer's items as candidates of the character asked for. Ids are `cb:<kind>:<bot's id>`,
 * so they never collide with the built-in store's (`fact:…`, `memory:…`); an item without `at`
 * counts as learned now.
 */
export function callbackCandidates(
  response: ContextCallbackResponse,
  characterId: string,
  nowMs: number,
): TopicCandidate[] {
  const out: TopicCandidate[] = [];
  for (const [list, kind] of LISTS) {
    for (const item of response[list] ?? []) {
      out.push({
        id: `cb:${kind}:${item.id}`,
        kind,
        text: item.text,
        ...(item.mention !== undefined ? { mention: item.mention } : {}),
        salience: item.salience,
        atMs: item.at === undefined ? nowMs : Date.parse(item.at),
        ...(item.dueAt !== undefined ? { dueAtMs: Date.parse(item.dueAt) } : {}),
        sensitive: item.sensitive,
        characterId,
      });
    }
  }
  return out;
}
