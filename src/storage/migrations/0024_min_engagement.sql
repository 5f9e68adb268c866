-- A trigger may ask for a least engagement of the pair (issue 17, item 5): passive, curious,
-- engaged or proactive (domain/outcomes/engagement.ts); null: any.
alter table triggers add column min_engagement text
  check (min_engagement in ('passive', 'curious', 'engaged', 'proactive'));
