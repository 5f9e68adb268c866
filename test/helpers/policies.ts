/**
 * A tenant policy that lets every proactive message through (no quiet hours, no gap, caps far
 * away, no backoff): for tests about something other than the policy. PUT it as it is, or spread
 * it and change what the test is about.
 */
export const OPEN_POLICY = {
  allowProactive: true,
  quietHours: null,
  minGapMinutes: 0,
  userCaps: { perDay: 50, perWeek: 50 },
  characterCaps: { perDay: 50, perWeek: 50 },
  backoffAfterUnanswered: 100,
};
