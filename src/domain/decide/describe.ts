import type { FunnelRanking } from '../funnels/select-funnel.js';
import { describeQuietHours } from '../policy/quiet-hours.js';
import type { CapCounts, Check } from './decision.js';

/** A check in words, from its code and numbers: what a person reads in a trace. */
export function describeCheck(c: Check): string {
  switch (c.note) {
    case 'allowed':
      return c.check === 'allow_proactive'
        ? 'proactive messages are allowed'
        : 'the character may speak first';
    case 'off':
      return c.check === 'allow_proactive'
        ? 'allowProactive is off for the tenant'
        : 'proactive messages are off for this character';
    case 'opted_in':
      return 'the user opted in';
    case 'opted_out':
      return c.eventId
        ? `the user opted out of proactive messages from every character (message ${c.eventId})`
        : 'the user opted out';
    case 'character_opted_out':
      return c.eventId
        ? `the user asked this character to stop messaging first (message ${c.eventId})`
        : 'the user opted out of proactive messages from this character';
    case 'unknown_allowed':
      return 'consent is unknown, which the policy allows';
    case 'unknown_refused':
      return 'consent is unknown and the policy requires opt-in';
    case 'wrote':
      return 'the user has written to this character';
    case 'never_wrote':
      return 'the user never wrote to this character';
    case 'within_limit':
      if (c.check === 'trust') return 'trust is at least the minimum';
      if (c.check === 'ladder')
        return `${c.value ?? 0} proactive messages since the user last wrote or reacted warmly; the retention ladder allows ${c.limit ?? 0}`;
      return `${c.value ?? 0} proactive messages ignored since the user last wrote or reacted warmly: under the limit of ${c.limit ?? 0}`;
    case 'beyond_limit':
      return c.check === 'trust'
        ? 'trust is below the minimum'
        : `${c.value ?? 0} proactive messages ignored since the user last wrote or reacted warmly: nothing more until they write`;
    case 'ladder_done':
      return `the retention ladder's ${c.limit ?? 0} messages were sent without an answer: nothing more until the user writes`;
    case 'engaged_enough':
    case 'not_engaged_enough': {
      const e = c.engagement;
      const score = c.value === undefined ? '' : ` (score ${c.value})`;
      return `engagement ${e?.state ?? '?'}${score}; ${c.triggerId ? 'the trigger' : 'the policy'} asks for at least ${e?.min ?? '?'}`;
    }
    case 'hours_lowered':
      return `${c.value ?? 0} replies said a message came at a wrong time: those local hours count for less`;
    case 'zone_given':
      return "the user's zone was given by the bot";
    case 'zone_inferred':
      return "the user's zone was inferred from their activity";
    case 'zone_default':
      return `zone unknown: quiet hours and caps in the tenant's default zone ${c.zone ?? ''}`;
    case 'zone_held':
      return 'zone unknown and the policy holds proactive messages until it is known';
    case 'trigger_deleted':
      return 'trigger deleted';
    case 'trigger_not_applicable':
      return 'trigger disabled or not for this character';
    case 'trigger_disabled':
      return 'the trigger is disabled';
    case 'trigger_not_for_character':
      return 'the trigger is not for this character';
    case 'valid':
      return 'the occasion is still valid';
    case 'expired':
      return 'the occasion expired';
    case 'blocked_at_expiry':
      return 'still blocked when the occasion expires';
    case 'clear':
    case 'blocked':
      return timingText(c, c.note === 'blocked');
    case 'no_model':
      return 'no activity model yet: any allowed hour';
    case 'good_now':
      return 'now is a good hour for the user';
    case 'next_good_hour':
      return 'deferred to the next allowed good hour';
    case 'best_allowed':
      return 'no good hour is allowed before the occasion expires: the best allowed hour';
    case 'held_out':
      return `held out: the user's draw ${fmt(c.value)} is under the trigger's holdout probability ${fmt(c.limit)}; nothing is sent, to measure what the trigger's messages change`;
    case 'not_held_out':
      return `not held out: the user's draw ${fmt(c.value)} is at least the trigger's holdout probability ${fmt(c.limit)}`;
    case 'funnel_chosen':
    case 'no_funnel_fits':
    case 'funnel_under_way':
    case 'funnel_race_lost':
      return funnelText(c);
  }
}

const fmt = (n: number | undefined) => (n ?? 0).toFixed(3);

const VERDICTS: Record<FunnelRanking['verdict'], string> = {
  chosen: 'chosen',
  eligible: 'eligible, ranked lower',
  not_engaged: 'the pair is not engaged enough',
  cooldown: 'in its cooldown',
  no_match: 'none of its keywords or goals is in what is known of the user',
  not_named: 'not the funnel the trigger names',
  run_active: 'under way',
};

function funnelText(c: Check): string {
  const ranked = (c.funnels ?? [])
    .map((f) => {
      const matched = f.matched.length > 0 ? `, matched ${f.matched.map((m) => `"${m}"`).join(', ')}` : '';
      return `${f.funnelId} (${VERDICTS[f.verdict]}; score ${f.score}${matched})`;
    })
    .join('; ');
  const head =
    c.note === 'funnel_chosen'
      ? 'a funnel starts instead of a single message'
      : c.note === 'no_funnel_fits'
        ? 'no funnel fits: the plain opener is sent'
        : c.note === 'funnel_under_way'
          ? 'the user is in a funnel with this character: nothing else is sent meanwhile'
          : 'another decision started a funnel for this pair first: nothing is sent';
  return ranked === '' ? head : `${head}: ${ranked}`;
}

function timingText(c: Check, blocked: boolean): string {
  const m = c.minutes ?? 0;
  switch (c.check) {
    case 'quiet_hours': {
      const window = c.quiet ? describeQuietHours(c.quiet) : '?';
      return blocked ? `in quiet hours ${window} local` : `outside quiet hours ${window} local`;
    }
    case 'mid_conversation':
      return blocked ? `the user wrote less than ${m} min ago` : `the user last wrote more than ${m} min ago`;
    case 'min_gap':
      return `${blocked ? 'less' : 'more'} than ${m} min since the last proactive message from any character`;
    case 'pair_gap':
      return `${blocked ? 'less' : 'more'} than ${m} min since this character's last proactive message (the gap is lengthened after ${c.value ?? 0} annoyed replies or negative reactions)`;
    case 'snooze':
      return blocked
        ? 'the user said "not now": nothing from this character until the snooze ends'
        : 'the snooze the user asked for has ended';
    case 'ladder':
      return `${blocked ? 'before' : 'past'} the retention ladder's step ${c.value ?? 0} (${m} min after the first unanswered message)`;
    case 'cooldown':
      return `${blocked ? 'less' : 'more'} than ${m} min since the last proactive message from this trigger`;
    case 'user_caps':
      return capText(c.caps, 'to this user', blocked);
    case 'character_caps':
      return capText(c.caps, 'from this character', blocked);
    case 'trigger_caps':
      return capText(c.caps, 'from this trigger', blocked);
    default:
      return blocked ? 'blocked' : 'passed';
  }
}

function capText(caps: CapCounts | undefined, scope: string, reached: boolean): string {
  if (!caps) return reached ? 'cap reached' : 'under the caps';
  const counts = `${caps.today} today (cap ${caps.perDay ?? 'none'}), ${caps.thisWeek} this week (cap ${caps.perWeek ?? 'none'}) ${scope}, in the user's local time`;
  return reached ? `${counts}: cap reached` : counts;
}
