-- Public channels (issue 16, item 23). An address can be a shared place (a Telegram group, a
-- Discord server channel, a Slack channel) as well as a private chat. A user's address may say
-- which (`address_audiences`: channel -> 'public' | 'private'); one that says nothing takes the
-- character's `defaults.publicChannels`, else it is private. A delivery keeps the audience it was
-- sent to, so the adapter posts in the channel instead of opening a direct message.
alter table users add column address_audiences jsonb not null default '{}';
alter table deliveries add column audience text not null default 'private'
  check (audience in ('private', 'public'));
