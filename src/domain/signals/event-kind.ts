import { assertNever } from '../shared/assert-never.js';

/** What a bot reports; `custom` events carry a name of the bot's choosing. */
export const EVENT_KINDS = [
  'message_in',
  'message_out',
  'session_start',
  'session_end',
  'reaction',
  'feedback',
  'custom',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * Kinds that show the user doing something, as opposed to the bot (message_out) or the bot's
 * bookkeeping (session_end, custom). Only these say when a person is around.
 */
export function isUserActivity(kind: EventKind): boolean {
  switch (kind) {
    case 'message_in':
    case 'session_start':
    case 'reaction':
    case 'feedback':
      return true;
    case 'message_out':
    case 'session_end':
    case 'custom':
      return false;
    default:
      return assertNever(kind);
  }
}
