-- What a user's replies did to a (user, character) relationship (issue 17, item 4), kept on the
-- pair so that the decision and the delivery read it with the pair's row.
--
-- A pair's own consent: "stop messaging me" typed to one character opts the user out of that
-- character's proactive messages only (a phrase addressing every character sets the user's
-- consent instead). `consent_updated_at` is the instant it took effect: a stop message's own time,
-- or the API's clock for an explicit change, so a stop message that arrives late changes nothing
-- when the user opted in again after writing it. `consent_event_id` is the message that set it.
alter table user_characters
  add column consent text not null default 'unknown' check (consent in ('opted_in', 'unknown', 'opted_out')),
  add column consent_updated_at timestamptz,
  add column consent_event_id text,
  -- "not now": nothing proactive from the character until then; the reply that asked for it
  add column snoozed_until timestamptz,
  add column snoozed_by text;

alter table users add column consent_event_id text;
