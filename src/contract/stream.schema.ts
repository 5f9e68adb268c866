import { z } from 'zod';
import { Id } from './common.js';
import { STREAM_EVENT_NAMES } from './stream-event.js';

const EVENT_RULE = `must be one of ${STREAM_EVENT_NAMES.map((name) => `"${name}"`).join(', ')}`;

/** A `/v1/stream` client's first message when it cannot send an Authorization header (browsers). */
export const StreamAuthMessage = z.strictObject({
  type: z.literal('auth'),
  key: z.string({ error: 'must be an API key' }).min(1),
});

/**
 * Narrows what a `/v1/stream` client receives, replacing any earlier filter: these events only,
 * and only those of one user or character when given.
 */
export const StreamSubscribeMessage = z.strictObject({
  type: z.literal('subscribe'),
  events: z
    .array(z.enum(STREAM_EVENT_NAMES, { error: EVENT_RULE }), { error: `must be an array of event names` })
    .min(1, { error: `must name at least one event: ${STREAM_EVENT_NAMES.join(', ')}` })
    .transform((events) => [...new Set(events)]),
  userId: Id.optional(),
  characterId: Id.optional(),
});
export type StreamSubscribeMessage = z.output<typeof StreamSubscribeMessage>;
