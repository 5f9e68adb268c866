-- An outcome is settled once its attribution window has passed (issue 17, item 7): a background
-- pass stamps `settled_at` and announces the ones left without a reply as `ignored`
-- (`outcome.recorded`). The partial index holds only the outcomes not settled yet, per tenant in
-- window order, so the pass reads what is due and nothing else; reply writes do not touch its
-- columns, so they stay in-place updates.
alter table outcomes add column settled_at timestamptz;
-- outcomes whose window had passed before this migration were never announced: settled as they are
update outcomes set settled_at = window_ends_at where window_ends_at <= now();
create index outcomes_unsettled on outcomes (tenant_id, window_ends_at) where settled_at is null;
