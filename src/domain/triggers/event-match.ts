import type { TriggerSpec } from './trigger.js';

type EventSpec = Extract<TriggerSpec, { kind: 'event' }>;

/** The fields of an event that an event trigger can name and filter on. */
export interface MatchableEvent {
  kind: string;
  name: string | null;
  characterId: string;
  channel: string | null;
  text: string | null;
  meta: Record<string, unknown> | null;
}

/**
 * Whether an event is the one an event trigger waits for: its kind (`message_out`) or, for a
 * custom event, its name; and every filter entry equal to the field it names, where `meta.x.y`
 * reaches into the event's meta. A filter on a field the event lacks does not match.
 */
export function eventMatches(spec: EventSpec, event: MatchableEvent): boolean {
  const named = event.kind === spec.event || (event.kind === 'custom' && event.name === spec.event);
  if (!named) return false;
  for (const [path, expected] of Object.entries(spec.filter)) {
    if (fieldAt(event, path) !== expected) return false;
  }
  return true;
}

function fieldAt(event: MatchableEvent, path: string): unknown {
  const [head, ...rest] = path.split('.');
  let value: unknown = (event as unknown as Record<string, unknown>)[head!];
  for (const part of rest) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
