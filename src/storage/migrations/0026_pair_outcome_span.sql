-- Where a pair's outcomes can take replies: from its first proactive message to the end of its
-- last attribution window (issue 17, ingest throughput). Ingest reads them back from the pair's
-- upsert it runs anyway and looks for replies only for messages inside, so a message outside
-- every window costs no probe of the outcomes. Written with each outcome, in the delivery's
-- transaction; a superset is harmless (the probe then finds nothing), so outcomes deleted later
-- need no update here.
alter table user_characters add column outcomes_from timestamptz;
alter table user_characters add column outcomes_until timestamptz;
update user_characters p
set outcomes_from = o.first_at, outcomes_until = o.last_end
from (
  select tenant_id, user_id, character_id, min(at) as first_at, max(window_ends_at) as last_end
  from outcomes
  group by tenant_id, user_id, character_id
) o
where p.tenant_id = o.tenant_id and p.user_id = o.user_id and p.character_id = o.character_id;
