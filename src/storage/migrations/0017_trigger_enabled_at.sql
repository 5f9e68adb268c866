-- When each trigger was created or last enabled. A schedule fires only for occurrences after it:
-- without it, a trigger created (or enabled again) at 08:00 fired at once for an occurrence of
-- the day before that was still inside its expiry. Rows from before take their last change, the
-- latest instant at which they can have been enabled, so none fires for an earlier occurrence.
alter table triggers add column enabled_at timestamptz;
update triggers set enabled_at = updated_at;
alter table triggers alter column enabled_at set not null;
