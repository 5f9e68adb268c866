import type { ActivityState } from '../../contract/user.schema.js';
import type { ActivityRecord } from '../../storage/activity-columns.js';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** A user's or a pair's activity counters as the API and the library return them, instants in ISO 8601 UTC. */
export function activityView(a: ActivityRecord): ActivityState {
  return {
    firstEventAt: iso(a.firstEventAt),
    lastEventAt: iso(a.lastEventAt),
    lastActivityAt: iso(a.lastActivityAt),
    lastInboundAt: iso(a.lastInboundAt),
    lastOutboundAt: iso(a.lastOutboundAt),
    lastSessionStartAt: iso(a.lastSessionStartAt),
    lastSessionEndAt: iso(a.lastSessionEndAt),
    inboundCount: a.inboundCount,
    outboundCount: a.outboundCount,
    sessionCount: a.sessionCount,
    eventCount: a.eventCount,
  };
}
