-- The audit log's head, kept with the tenant outside the rows it checks: the seq and hash of the
-- last entry, moved in the same transaction as each append, and `audit_mac`, an HMAC of the head
-- under a key derived from OVERTURE_SECRET_KEY. Deleting the last entries leaves the head past the
-- end of the log; rewriting an entry and recomputing every later hash with the public recipe
-- changes the last hash, and without the key nobody can sign the head that would match it.
--
-- Chains written before this migration get their head here, from their last entry. SQL has no key
-- to sign with: an engine started with OVERTURE_SECRET_KEY signs every unsigned head at start
-- (engine/accounts/audit-head.ts), so that existing chains verify; from then on each append signs.
alter table tenants
  add column audit_seq bigint not null default 0,
  add column audit_hash text not null default repeat('0', 64),
  add column audit_mac text;

update tenants t
set audit_seq = l.seq, audit_hash = l.hash
from (select distinct on (tenant_id) tenant_id, seq, hash from audit_log order by tenant_id, seq desc) l
where l.tenant_id = t.tenant_id;
