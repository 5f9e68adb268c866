-- How many times every pair of the tenant was asked to be decided again (a trigger, the policy or
-- a character changed), counted in the transaction that made the change. Instances keep a
-- tenant's triggers in memory; one whose copy was read at a lower count reads them again before
-- deciding, so a pair re-armed by a change is never decided with the triggers from before it.
alter table tenants add column rearm_version bigint not null default 0;
