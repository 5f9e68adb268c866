-- How a character sounds when it writes first: its tone, read by the template composer (the
-- persona text stays the prompt for a language model).
alter table characters add column voice jsonb not null default '{}';
