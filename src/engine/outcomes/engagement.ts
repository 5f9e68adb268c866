import type { Engagement } from '../../domain/outcomes/engagement.js';
import { engagementOf } from '../../domain/outcomes/engagement.js';
import { engagementEvidence } from '../../domain/outcomes/engagement-evidence.js';
import { STANDING_HISTORY_MS } from '../../domain/outcomes/standing.js';
import type { PairConsent } from '../../domain/policy/consent.js';
import {
  historyOfPair,
  initiationsOfPair,
  type PairHistories,
  readInitiations,
  readPairHistories,
} from '../../storage/pair-outcomes.repository.js';
import type { Db } from '../../storage/schema.js';
import { pairKey } from '../../storage/user.repository.js';

/** A pair whose engagement is asked for, with the consent that applies to it (a refusal counts). */
export interface EngagementPair {
  userId: string;
  characterId: string;
  consent: Pick<PairConsent, 'consent' | 'atMs' | 'eventId'>;
}

/**
 * The engagement of each pair at `now`, read from the last 90 days: its outcomes and feedback
 * (`histories`, when the caller has them), the conversations the user started, and a stop the
 * user typed. Read one with `engagementOfPair`.
 */
export async function pairEngagements(
  db: Db,
  tenantId: string,
  pairs: readonly EngagementPair[],
  now: Date,
  histories?: PairHistories,
): Promise<Map<string, Engagement>> {
  const since = new Date(now.getTime() - STANDING_HISTORY_MS);
  const [read, initiations] = await Promise.all([
    histories ?? readPairHistories(db, tenantId, pairs, since),
    readInitiations(db, tenantId, pairs, since),
  ]);
  const engagements = new Map<string, Engagement>();
  for (const p of pairs) {
    const history = historyOfPair(read, p.userId, p.characterId);
    const refused = p.consent.consent === 'opted_out' && p.consent.eventId !== null ? p.consent.atMs : null;
    const evidence = engagementEvidence(
      {
        outcomes: history.outcomes,
        feedback: history.feedback,
        initiations: initiationsOfPair(initiations, p.userId, p.characterId),
        refusedAtMs: refused,
      },
      now.getTime(),
    );
    engagements.set(pairKey(p.userId, p.characterId), engagementOf(evidence, now.getTime()));
  }
  return engagements;
}

/** The engagement of one pair in `pairEngagements`' answer; null when it was not asked for. */
export function engagementOfPair(
  engagements: ReadonlyMap<string, Engagement> | null,
  userId: string,
  characterId: string,
): Engagement | null {
  return engagements?.get(pairKey(userId, characterId)) ?? null;
}
