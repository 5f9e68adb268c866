import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH } from '../src/engine/kernel/audit.js';
import { migrateToLatest } from '../src/storage/connection/migrator.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const SECRET_KEY = randomBytes(32).toString('base64');

/**
 * The audit log's head is kept with the tenant and signed with the server's key: what someone
 * with write access to the database but not the key does to the log is reported.
 */
describe.each(BACKENDS)('the audit chain against someone who can write the database, on %s', (backend) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  const db = () => t.server.engine.context.db;
  const verify = () => t.request({ method: 'GET', url: '/v1/audit/verify' }).then((r) => r.body);
  const change = (minGapMinutes: number) =>
    t.request({ method: 'PUT', url: '/v1/policy', payload: { minGapMinutes } }).then((r) => {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    });
  const entries = async () => (await t.request({ method: 'GET', url: '/v1/audit?limit=100' })).body.entries;
  /** What an attacker can do with the public recipe: recompute every hash from `fromSeq` on. */
  const rehashFrom = async (fromSeq: number) => {
    const log = await entries();
    let prev = log.find((e: { seq: number }) => e.seq === fromSeq - 1)?.hash ?? GENESIS_HASH;
    for (const e of log.filter((x: { seq: number }) => x.seq >= fromSeq)) {
      const hash = entryHash({ ...e, at: new Date(e.at), prevHash: prev });
      await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where seq = ${e.seq}`.execute(db());
      prev = hash;
    }
    return prev;
  };

  it('verifies a normal chain, with its head signed', async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    expect(await verify()).toEqual({ ok: true, entries: 0, lastHash: GENESIS_HASH, signed: false });
    for (let i = 0; i < 3; i++) await change(i);
    const log = await entries();
    expect(await verify()).toEqual({ ok: true, entries: 3, lastHash: log[2].hash, signed: true });
  });

  it('reports a deleted tail, and goes on reporting it after the next change', async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    for (let i = 0; i < 4; i++) await change(i);
    await sql`delete from audit_log where seq >= 3`.execute(db());
    expect(await verify()).toMatchObject({
      ok: false,
      entries: 2,
      brokenAtSeq: 3,
      problem: expect.stringMatching(
        /^entries 3 to 4 are missing: the log ends at entry 2.*tail was deleted/,
      ),
    });
    // the next entry chains from the head, not from what is left: the gap stays
    await change(10);
    expect((await entries()).map((e: { seq: number }) => e.seq)).toEqual([1, 2, 5]);
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 5,
      problem: 'entry 3 is missing (next is 5)',
    });
  });

  it('reports a deleted tail whose head was moved back by hand: the signature no longer matches', async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    for (let i = 0; i < 4; i++) await change(i);
    const log = await entries();
    await sql`delete from audit_log where seq = 4`.execute(db());
    await sql`update tenants set audit_seq = 3, audit_hash = ${log[2].hash}`.execute(db());
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 3,
      problem: expect.stringMatching(/altered/),
    });
    // and clearing the signature does not help
    await sql`update tenants set audit_mac = null`.execute(db());
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 3,
      problem: expect.stringMatching(/not signed/),
    });
    // nor does the next change bless it
    await change(10);
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 4,
      problem: expect.stringMatching(/not signed/),
    });
  });

  it('reports an entry rewritten and every later hash recomputed with the public recipe', async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    for (let i = 0; i < 4; i++) await change(i);
    // turn entry 2 into something harmless-looking, and recompute 2, 3 and 4
    await sql`update audit_log set detail = '{"note":"nothing happened"}' where seq = 2`.execute(db());
    const newLast = await rehashFrom(2);
    expect(await verify()).toMatchObject({
      ok: false,
      entries: 4,
      brokenAtSeq: 4,
      problem: expect.stringMatching(/rewritten and its hashes recomputed/),
    });
    // ... and moves the head to the new last hash: it cannot sign it
    await sql`update tenants set audit_hash = ${newLast}`.execute(db());
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 4,
      problem: expect.stringMatching(/signature of the head .* does not match it: the head was altered/),
    });
    // ... or copies another tenant's signature
    await t.server.engine.createTenant({ tenantId: 'other' });
    await t.server.engine.forTenant('other').putPolicy({ minGapMinutes: 1 });
    await sql`update tenants set audit_mac = (select audit_mac from tenants where tenant_id = 'other')
              where tenant_id = 'default'`.execute(db());
    expect(await verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/does not match/) });
  });

  it('keeps one signed chain when changes arrive at the same moment', async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    // on PostgreSQL these run on several connections of the pool at once
    await Promise.all(Array.from({ length: 12 }, (_, i) => change(i)));
    const log = await entries();
    expect(log.map((e: { seq: number }) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await verify()).toEqual({ ok: true, entries: 12, lastHash: log[11].hash, signed: true });
  });

  it('without a secret key, still compares the log with its head, unsigned', async () => {
    t = await startTestServer(backend);
    for (let i = 0; i < 3; i++) await change(i);
    expect(await verify()).toMatchObject({ ok: true, entries: 3, signed: false });
    await sql`delete from audit_log where seq = 3`.execute(db());
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 3,
      problem: expect.stringMatching(/missing/),
    });
  });

  it('verifies a chain written before the head existed, signs its head at start, and then catches a deleted tail', async () => {
    // a database as the version before migration 0015 left it, with a chain it wrote
    const database = await openTestDatabase(backend);
    await migrateToLatest(database.db, { through: '0014' });
    await sql`insert into tenants (tenant_id, name, created_at) values ('legacy', 'Legacy', now())`.execute(
      database.db,
    );
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const entry = {
        seq,
        at: new Date(`2026-11-2${seq}T10:00:00Z`),
        actor: 'key_old',
        action: 'policy.updated',
        subject: 'policy',
        detail: { n: seq },
        prevHash: prev,
      };
      const hash = entryHash(entry);
      await sql`insert into audit_log (tenant_id, seq, at, actor, action, subject, detail, prev_hash, hash)
                values ('legacy', ${seq}, ${entry.at}, 'key_old', 'policy.updated', 'policy',
                        ${JSON.stringify(entry.detail)}, ${prev}, ${hash})`.execute(database.db);
      prev = hash;
    }
    t = await startTestServer(backend, { secretKey: SECRET_KEY }, { database });
    const legacy = t.server.engine.forTenant('legacy');
    expect(await legacy.verifyAudit()).toEqual({ ok: true, entries: 3, lastHash: prev, signed: true });
    await legacy.putPolicy({ minGapMinutes: 5 });
    expect(await legacy.verifyAudit()).toMatchObject({ ok: true, entries: 4, signed: true });
    await sql`delete from audit_log where tenant_id = 'legacy' and seq = 4`.execute(db());
    expect(await legacy.verifyAudit()).toMatchObject({
      ok: false,
      brokenAtSeq: 4,
      problem: /entry 4 is missing/,
    });
  });
});
