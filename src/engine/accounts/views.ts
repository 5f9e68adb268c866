import type { ApiKey } from '../../contract/api-key.schema.js';
import type { Character } from '../../contract/character.schema.js';
import { isoOrNull } from '../../contract/common.js';
import type { User } from '../../contract/user.schema.js';
import type { Engagement } from '../../domain/outcomes/engagement.js';
import type { ApiKeyRecord } from '../../storage/api-key.repository.js';
import type { CharacterRecord } from '../../storage/character.repository.js';
import type { PairRecord, UserRecord } from '../../storage/user.repository.js';
import { activityView } from '../activity/activity-view.js';

/** Records as the API and the library return them: instants as ISO 8601 strings in UTC. */

/** A user as the API returns it, with each relationship's engagement (`engagementOf`). */
export function userView(u: UserRecord, engagementOf: (characterId: string) => Engagement): User {
  return {
    userId: u.userId,
    timezone: u.timezone,
    locale: u.locale,
    addresses: u.addresses,
    addressAudiences: u.addressAudiences,
    preferredChannel: u.preferredChannel,
    unreachable: u.unreachable.map((x) => ({ ...x, at: x.at.toISOString() })),
    consent: u.consent,
    consentUpdatedAt: isoOrNull(u.consentUpdatedAt),
    consentEventId: u.consentEventId,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
    activity: activityView(u.activity),
    characters: u.characters.map((c) => pairView(c, engagementOf(c.characterId))),
  };
}

/** A (user, character) relationship as the API returns it. */
export function pairView(c: PairRecord, engagement: Engagement) {
  return {
    characterId: c.characterId,
    trust: c.trust,
    consent: c.consent,
    consentUpdatedAt: isoOrNull(c.consentUpdatedAt),
    consentEventId: c.consentEventId,
    snoozedUntil: isoOrNull(c.snoozedUntil),
    snoozedBy: c.snoozedBy,
    engagement: {
      score: engagement.score,
      state: engagement.state,
      since: engagement.since === null ? null : new Date(engagement.since).toISOString(),
    },
    activity: activityView(c.activity),
  };
}

export function characterView(c: CharacterRecord): Character {
  return {
    characterId: c.characterId,
    name: c.name,
    persona: c.persona,
    proactiveEnabled: c.proactiveEnabled,
    defaults: c.defaults,
    voice: c.voice,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function apiKeyView(k: ApiKeyRecord): ApiKey {
  return {
    keyId: k.keyId,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.createdAt.toISOString(),
    revokedAt: isoOrNull(k.revokedAt),
    lastUsedAt: isoOrNull(k.lastUsedAt),
  };
}
