-- Composition: what a suggestion says and how it came to say it, the drafting worker's claims,
-- and the language-model providers that write openers.

-- A suggestion is created in `drafting`; the drafting worker claims it under a lease (draft_token,
-- draft_lease_until), composes it outside any transaction, and moves it on. It keeps the text,
-- the topic it is about (with the score that chose it), which composer wrote it and how
-- (composition: model, tokens, a fallback and its reason, where the context came from, an llm
-- trigger's answer), and why it ended where it did (status_reason: nothing to say, the model's no).
alter table suggestions
  add column text text,
  add column topic jsonb,
  add column composer text check (composer in ('template', 'openai-compatible', 'anthropic')),
  add column composition jsonb,
  add column status_reason text,
  add column draft_token text,
  add column draft_lease_until timestamptz;
-- Only suggestions being drafted: small, so the worker's scan of it is cheap.
create index suggestions_drafting on suggestions (tenant_id, user_id, suggestion_id) where status = 'drafting';

-- How an opener may name a fact or a memory ("Luna's surgery"), when the bot says.
alter table facts add column mention text;
alter table memories add column mention text;

-- Who writes a tenant's openers: one row for the tenant (character_id '') and one per character
-- that overrides it. settings holds the kind, base URL, model, timeout and sampling; the API key
-- is sealed (storage/secret-box.ts) under the server's key, never stored or returned in clear.
create table llm_providers (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  character_id text not null,
  settings jsonb not null,
  api_key_sealed text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, character_id)
);

-- A new kind of trigger: llm, a schedule whose occasions a language model must answer yes to.
alter table triggers drop constraint triggers_kind_check;
alter table triggers add constraint triggers_kind_check
  check (kind in ('silence', 'active_now', 'schedule', 'event', 'webhook', 'follow_up', 'llm'));
