import { type EventKind, isUserActivity } from './event-kind.js';

/** The part of an event that the per-user state depends on. */
export interface ActivityEvent {
  userId: string;
  characterId: string;
  kind: EventKind;
  at: Date;
  /** Where a message was written (telegram, discord, ...), when the bot says. */
  channel?: string | null;
}

/**
 * The fields of the incremental state kept per user and per pair, in one order: instants (merged
 * with least or greatest), then counts (summed). Storage derives its column list from this one.
 */
export const ACTIVITY_FIELDS = [
  'firstEventAt',
  'lastEventAt',
  'lastActivityAt',
  'lastInboundAt',
  'lastOutboundAt',
  'lastSessionStartAt',
  'lastSessionEndAt',
  'inboundCount',
  'outboundCount',
  'sessionCount',
  'eventCount',
] as const satisfies readonly (keyof ActivityDelta)[];

export type ActivityField = (typeof ACTIVITY_FIELDS)[number];

/** What a set of events adds to one user's (or one user-character pair's) stored state. */
export interface ActivityDelta {
  firstEventAt: Date;
  lastEventAt: Date;
  lastActivityAt: Date | null;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  lastSessionStartAt: Date | null;
  lastSessionEndAt: Date | null;
  inboundCount: number;
  outboundCount: number;
  sessionCount: number;
  eventCount: number;
}

export interface UserDelta extends ActivityDelta {
  userId: string;
}

export interface PairDelta extends ActivityDelta {
  userId: string;
  characterId: string;
  /** The channel of the latest `message_in` that named one, and that message's time. */
  lastInboundChannel: string | null;
  lastInboundChannelAt: Date | null;
}

/**
 * Folds new events into one delta per user and per (user, character), sorted by key so that
 * concurrent writers lock rows in the same order. The stored state merges a delta with max/min
 * and sums, which do not depend on arrival order: state stays correct whatever order events come
 * in, and nothing ever rescans history.
 */
export function foldActivity(events: readonly ActivityEvent[]): { users: UserDelta[]; pairs: PairDelta[] } {
  const users = new Map<string, UserDelta>();
  const pairs = new Map<string, PairDelta>();
  for (const event of events) {
    let user = users.get(event.userId);
    if (!user) {
      user = { userId: event.userId, ...emptyDelta(event.at) };
      users.set(event.userId, user);
    }
    addEvent(user, event);
    const pairKey = `${event.userId}\u0000${event.characterId}`;
    let pair = pairs.get(pairKey);
    if (!pair) {
      pair = {
        userId: event.userId,
        characterId: event.characterId,
        ...emptyDelta(event.at),
        lastInboundChannel: null,
        lastInboundChannelAt: null,
      };
      pairs.set(pairKey, pair);
    }
    addEvent(pair, event);
    if (
      event.kind === 'message_in' &&
      event.channel &&
      (pair.lastInboundChannelAt === null || event.at >= pair.lastInboundChannelAt)
    ) {
      pair.lastInboundChannel = event.channel;
      pair.lastInboundChannelAt = event.at;
    }
  }
  return {
    users: [...users.values()].sort((a, b) => compare(a.userId, b.userId)),
    pairs: [...pairs.values()].sort(
      (a, b) => compare(a.userId, b.userId) || compare(a.characterId, b.characterId),
    ),
  };
}

function emptyDelta(at: Date): ActivityDelta {
  return {
    firstEventAt: at,
    lastEventAt: at,
    lastActivityAt: null,
    lastInboundAt: null,
    lastOutboundAt: null,
    lastSessionStartAt: null,
    lastSessionEndAt: null,
    inboundCount: 0,
    outboundCount: 0,
    sessionCount: 0,
    eventCount: 0,
  };
}

function addEvent(delta: ActivityDelta, event: ActivityEvent): void {
  const at = event.at;
  delta.eventCount += 1;
  if (at < delta.firstEventAt) delta.firstEventAt = at;
  if (at > delta.lastEventAt) delta.lastEventAt = at;
  if (isUserActivity(event.kind)) delta.lastActivityAt = later(delta.lastActivityAt, at);
  switch (event.kind) {
    case 'message_in':
      delta.inboundCount += 1;
      delta.lastInboundAt = later(delta.lastInboundAt, at);
      break;
    case 'message_out':
      delta.outboundCount += 1;
      delta.lastOutboundAt = later(delta.lastOutboundAt, at);
      break;
    case 'session_start':
      delta.sessionCount += 1;
      delta.lastSessionStartAt = later(delta.lastSessionStartAt, at);
      break;
    case 'session_end':
      delta.lastSessionEndAt = later(delta.lastSessionEndAt, at);
      break;
    case 'reaction':
    case 'feedback':
    case 'custom':
      break;
  }
}

function later(current: Date | null, at: Date): Date {
  return current === null || at > current ? at : current;
}

/** Code-unit order: any fixed order works, as long as every writer sorts the same way. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
