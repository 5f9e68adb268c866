-- Open loops: things a user said will happen ("my interview is on Friday at 3pm"), read from
-- their messages (source 'message', with the event and the sentence's place in it) or added
-- through the API ('api'), each with when it is due, in the words of the sentence and as an
-- opener names it (mention). character_id is the character the user said it to. A follow_up
-- trigger asks about one after it is due and closes it (followed_up); the API closes one
-- (closed_by_api, with the caller's note); one whose follow-up expired unused is expired.
create table open_loops (
  tenant_id text not null,
  user_id text not null,
  loop_id text not null,
  character_id text not null,
  sentence text not null,
  mention text not null,
  due_at timestamptz not null,
  all_day boolean not null,
  source text not null check (source in ('message', 'api')),
  event_id text,
  sentence_index integer,
  status text not null check (status in ('open', 'closed')),
  closed_at timestamptz,
  closed_reason text check (closed_reason in ('followed_up', 'closed_by_api', 'expired')),
  closed_note text,
  created_at timestamptz not null,
  primary key (tenant_id, user_id, loop_id),
  check ((source = 'message') = (event_id is not null and sentence_index is not null)),
  check ((status = 'closed') = (closed_at is not null and closed_reason is not null))
);

-- An event read again (re-sent after its row was pruned, or by a second writer) adds no loop.
create unique index open_loops_by_event on open_loops (tenant_id, user_id, event_id, sentence_index)
  where event_id is not null;

-- A user's loops by due time, newest first: the API's listing.
create index open_loops_by_due on open_loops (tenant_id, user_id, due_at, loop_id);

-- A new kind of trigger: follow_up, which fires some time after an open loop is due.
alter table triggers drop constraint triggers_kind_check;
alter table triggers add constraint triggers_kind_check
  check (kind in ('silence', 'active_now', 'schedule', 'event', 'webhook', 'follow_up'));
