-- Outcomes (issue 17): what became of each proactive message sent. One row per message sent
-- (`outcome_id` is its delivery's id), made in the transaction that records its `message_out`.
-- Its reply is the user's first `message_in` to the same character from `at` until the next
-- proactive message of the pair or `window_ends_at`, whichever comes first; it is worked out again
-- whenever a message or a reply of the pair arrives, in any order (engine/outcomes/attribution.ts).
-- No reply once the window has passed: ignored, which is read, not stored.
create table outcomes (
  tenant_id text not null,
  user_id text not null,
  outcome_id text not null,
  character_id text not null,
  suggestion_id text,
  -- when the message was sent, and the end of its attribution window (the tenant's setting then)
  at timestamptz not null,
  window_ends_at timestamptz not null,
  reply_event_id text,
  replied_at timestamptz,
  -- what the reply means (domain/outcomes/reply-meaning.ts) and the cue that decided it; null
  -- without a reply, or for a reply without text
  meaning text check (meaning in ('engaged', 'neutral', 'not_now', 'wrong_time', 'annoyed', 'stop')),
  meaning_cue text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, user_id, outcome_id)
);
create index outcomes_by_pair_time on outcomes (tenant_id, user_id, character_id, at);
create index outcomes_by_suggestion on outcomes (tenant_id, user_id, suggestion_id) where suggestion_id is not null;

-- Feedback on a proactive message (issue 17, item 2): a `feedback` or `reaction` event that names
-- the suggestion or the platform's message id (the delivery's external id). Kept apart from the
-- outcome and joined when read, so that feedback stored before its message was recorded counts.
create table feedback (
  tenant_id text not null,
  user_id text not null,
  event_id text not null,
  character_id text not null,
  suggestion_id text,
  external_id text,
  score double precision check (score between -1 and 1),
  emoji text,
  text text,
  at timestamptz not null,
  primary key (tenant_id, user_id, event_id),
  check (suggestion_id is not null or external_id is not null)
);
create index feedback_by_suggestion on feedback (tenant_id, user_id, suggestion_id) where suggestion_id is not null;
create index feedback_by_external_id on feedback (tenant_id, user_id, external_id) where external_id is not null;
