import { appliesTo, type Trigger } from '../../domain/triggers/trigger.js';
import type { StoredOccasion } from '../../storage/occasion.repository.js';
import type { OpenLoopRow } from '../../storage/open-loop.repository.js';
import type { PairWake } from '../../storage/schedule.repository.js';

const MINUTE = 60_000;

/**
 * The follow-ups of newly stored open loops: for each loop, one occasion per enabled follow_up
 * trigger that applies to the loop's character, keyed `loop:<loopId>`, due the trigger's delay
 * after the loop, and the pair's due time moved to it. A trigger created or enabled later does
 * not follow up loops stored before it (that would mean reading every open loop of the tenant);
 * they stay in the context for topics all the same.
 */
export function wakesFromLoops(
  triggers: readonly Trigger[],
  loops: readonly OpenLoopRow[],
  now: Date,
): { occasions: StoredOccasion[]; wakes: PairWake[] } {
  const occasions: StoredOccasion[] = [];
  const wakes: PairWake[] = [];
  const followUps = triggers.filter(
    (t) => t.enabled && t.spec.kind === 'follow_up' && t.approval !== 'manual',
  );
  if (followUps.length === 0) return { occasions, wakes };
  for (const loop of loops) {
    for (const trigger of followUps) {
      if (trigger.spec.kind !== 'follow_up' || !appliesTo(trigger, loop.character_id)) continue;
      const at = new Date(loop.due_at.getTime() + trigger.spec.delayMinutes * MINUTE);
      const expiresAt = new Date(at.getTime() + trigger.expiryMinutes * MINUTE);
      if (expiresAt <= now) continue; // it happened long ago: too late to ask
      occasions.push({
        userId: loop.user_id,
        characterId: loop.character_id,
        triggerId: trigger.id,
        key: `loop:${loop.loop_id}`,
        at,
        expiresAt,
        detail: { loopId: loop.loop_id, mention: loop.mention },
      });
      wakes.push({ userId: loop.user_id, characterId: loop.character_id, at });
    }
  }
  return { occasions, wakes };
}
