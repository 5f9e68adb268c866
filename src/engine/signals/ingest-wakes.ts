import { eventMatches } from '../../domain/triggers/event-match.js';
import { appliesTo, type Trigger } from '../../domain/triggers/trigger.js';
import type { NewEvent } from '../../storage/event.repository.js';
import type { StoredOccasion } from '../../storage/occasion.repository.js';
import type { PairWake } from '../../storage/schedule.repository.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * What a batch of new events means for the scheduler: the occasions of the event triggers they
 * match (one per event and trigger, keyed by the event id, due after the trigger's delay), and
 * when their pairs must be decided at the latest: a pair seen for the first time now (to find
 * its first due time), a pair with a new message at its earliest silence deadline, a pair with
 * an occasion when it is due.
 */
export function wakesFromEvents(
  triggers: readonly Trigger[],
  events: readonly NewEvent[],
  newPairs: readonly { userId: string; characterId: string }[],
  now: Date,
): { occasions: StoredOccasion[]; wakes: PairWake[] } {
  const occasions: StoredOccasion[] = [];
  const wakes: PairWake[] = newPairs.map((p) => ({ ...p, at: now }));
  const eventTriggers = triggers.filter(
    (t) => t.enabled && t.spec.kind === 'event' && t.approval !== 'manual',
  );
  let silenceHours = Number.POSITIVE_INFINITY;
  for (const t of triggers)
    if (t.enabled && t.approval !== 'manual' && t.spec.kind === 'silence')
      silenceHours = Math.min(silenceHours, t.spec.afterHours);

  for (const event of events) {
    const contact = event.kind === 'message_in' || event.kind === 'message_out';
    if (contact && silenceHours !== Number.POSITIVE_INFINITY)
      wakes.push({
        userId: event.userId,
        characterId: event.characterId,
        at: new Date(event.at.getTime() + silenceHours * HOUR),
      });
    for (const trigger of eventTriggers) {
      if (trigger.spec.kind !== 'event' || !appliesTo(trigger, event.characterId)) continue;
      if (!eventMatches(trigger.spec, event)) continue;
      const at = new Date(event.at.getTime() + trigger.spec.delayMinutes * MINUTE);
      const expiresAt = new Date(at.getTime() + trigger.expiryMinutes * MINUTE);
      if (expiresAt <= now) continue; // an old event, reported late: nothing left to say
      occasions.push({
        userId: event.userId,
        characterId: event.characterId,
        triggerId: trigger.id,
        key: `event:${event.eventId}`,
        at,
        expiresAt,
        detail: { eventId: event.eventId, kind: event.kind, ...(event.name ? { name: event.name } : {}) },
      });
      wakes.push({ userId: event.userId, characterId: event.characterId, at });
    }
  }
  return { occasions, wakes };
}
