import { isoOrNull } from '../../contract/common.js';
import type { ActivityState } from '../../contract/user.schema.js';
import type { ActivityRecord } from '../../storage/activity-columns.js';

/** A user's or a pair's activity counters as the API and the library return them, instants in ISO 8601 UTC. */
export function activityView(a: ActivityRecord): ActivityState {
  return {
    firstEventAt: isoOrNull(a.firstEventAt),
    lastEventAt: isoOrNull(a.lastEventAt),
    lastActivityAt: isoOrNull(a.lastActivityAt),
    lastInboundAt: isoOrNull(a.lastInboundAt),
    lastOutboundAt: isoOrNull(a.lastOutboundAt),
    lastSessionStartAt: isoOrNull(a.lastSessionStartAt),
    lastSessionEndAt: isoOrNull(a.lastSessionEndAt),
    inboundCount: a.inboundCount,
    outboundCount: a.outboundCount,
    sessionCount: a.sessionCount,
    eventCount: a.eventCount,
  };
}
