import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCALES, emptyUserActivity, observeActivity } from '../src/domain/activity/user-activity.js';
import { ZoneOffsets } from '../src/domain/shared/local-time.js';
import { decodeUserActivity, encodeUserActivity } from '../src/storage/codecs/activity-codec.js';
import type { Database } from '../src/storage/connection/database.js';
import { migrateToLatest } from '../src/storage/connection/migrator.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';

describe.each(BACKENDS)('storage on %s', (backend) => {
  let database: Database;
  afterEach(async () => {
    await database?.close();
  });

  it('applies every migration once, and is a no-op when up to date', async () => {
    database = await openTestDatabase(backend);
    const first = await migrateToLatest(database.db);
    expect(first.applied).toContain('0001_foundation');
    const second = await migrateToLatest(database.db);
    expect(second.applied).toEqual([]);
    const { rows } = await sql<{ name: string }>`select name from schema_migrations order by name`.execute(
      database.db,
    );
    expect(rows.map((r) => r.name)).toEqual(first.applied);
  });

  it('moves stored activity models into the users rows (0003), keeping every byte', async () => {
    database = await openTestDatabase(backend);
    // a database as the previous version left it: 0001 and 0002 applied, a model in user_activity
    await sql`create table schema_migrations (name text primary key, applied_at timestamptz not null default clock_timestamp())`.execute(
      database.db,
    );
    for (const name of ['0001_foundation', '0002_activity']) {
      const text = await readFile(new URL(`../src/storage/migrations/${name}.sql`, import.meta.url), 'utf8');
      await sql.raw(text).execute(database.db);
      await sql`insert into schema_migrations (name) values (${name})`.execute(database.db);
    }
    const now = new Date('2026-11-23T12:00:00Z');
    await sql`insert into tenants (tenant_id, name, created_at) values ('t1', 't1', ${now})`.execute(
      database.db,
    );
    for (const userId of ['with-model', 'without'])
      await sql`insert into users (tenant_id, user_id, created_at, updated_at) values ('t1', ${userId}, ${now}, ${now})`.execute(
        database.db,
      );
    const model = emptyUserActivity(now.getTime());
    observeActivity(
      model,
      now.getTime() - 3_600_000,
      new ZoneOffsets('Asia/Tokyo'),
      'explicit',
      DEFAULT_SCALES,
    );
    const bytes = encodeUserActivity(model);
    await sql`insert into user_activity (tenant_id, user_id, model, updated_at) values ('t1', 'with-model', ${bytes}, ${now})`.execute(
      database.db,
    );

    expect((await migrateToLatest(database.db)).applied).toContain('0003_activity_in_users');
    const { rows } = await sql<{ user_id: string; activity: Uint8Array | null; activity_version: string }>`
      select user_id, activity, activity_version from users order by user_id`.execute(database.db);
    expect(rows.map((r) => [r.user_id, Number(r.activity_version)])).toEqual([
      ['with-model', 1],
      ['without', 0],
    ]);
    expect(Buffer.from(rows[0]!.activity!).equals(bytes)).toBe(true);
    expect(decodeUserActivity(rows[0]!.activity!).localZone).toBe('Asia/Tokyo');
    expect(rows[1]!.activity).toBeNull();
  });

  it('refuses a database that a newer version migrated, naming the unknown migration', async () => {
    database = await openTestDatabase(backend);
    await migrateToLatest(database.db);
    await sql`insert into schema_migrations (name) values ('9999_from_the_future')`.execute(database.db);
    await expect(migrateToLatest(database.db)).rejects.toThrow(/9999_from_the_future.*newer version/);
  });

  it('leaves nothing behind when a migration fails', async () => {
    database = await openTestDatabase(backend);
    // a table in the way makes 0001 fail half-way through; its earlier tables must not remain
    await sql`create table users (x int)`.execute(database.db);
    await expect(migrateToLatest(database.db)).rejects.toThrow(/migration 0001_foundation failed/);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from information_schema.tables
      where table_schema = ${database.schema} and table_name in ('tenants', 'api_keys', 'schema_migrations')`.execute(
      database.db,
    );
    expect(rows[0]!.n).toBe(0);
  });

  // Growth beyond one server is planned in the schema (DESIGN.md): keys and indexes lead with
  // tenant_id, then user_id where the table has one. tenants and api_keys are documented
  // exceptions, and the scheduler's due index, which reads a tenant's pairs by time (0005).
  it('leads every primary key and index with tenant_id, then user_id where there is one', async () => {
    database = await openTestDatabase(backend);
    await migrateToLatest(database.db);
    const { rows } = await sql<{ table_name: string; index_name: string; columns: string[] }>`
      select t.relname as table_name, i.relname as index_name,
             array(select a.attname from unnest(x.indkey) with ordinality k(attnum, n)
                   join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.n)::text[] as columns
      from pg_index x
      join pg_class t on t.oid = x.indrelid
      join pg_class i on i.oid = x.indexrelid
      join pg_namespace ns on ns.oid = t.relnamespace
      where ns.nspname = ${database.schema} and t.relname not like 'schema_migrations%'`.execute(database.db);
    // request_counters: counted before any tenant is known (failed authentications per address), 0019
    const exceptions = new Set(['tenants_pkey', 'api_keys_by_hash', 'request_counters_pkey']);
    // a tenant's rows across users (by due time, by status, by id alone: URLs carry no user id;
    // funnel_runs_due: the runs whose step timed out, as pair_schedules_due):
    // they lead with tenant_id only
    const acrossUsers = new Set([
      'pair_schedules_due',
      'suggestions_by_status',
      'suggestions_by_id',
      'suggestions_pending_expiry',
      'deliveries_by_id',
      'deliveries_queued',
      'deliveries_leased',
      'outcomes_unsettled',
      'funnel_runs_due',
    ]);
    const offenders: string[] = [];
    for (const row of rows) {
      if (exceptions.has(row.index_name)) continue;
      const hasUser = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.columns
        where table_schema = ${database.schema} and table_name = ${row.table_name} and column_name = 'user_id'`.execute(
        database.db,
      );
      const expected =
        hasUser.rows[0]!.n > 0 && !acrossUsers.has(row.index_name) ? ['tenant_id', 'user_id'] : ['tenant_id'];
      if (expected.some((column, i) => row.columns[i] !== column)) {
        offenders.push(`${row.index_name} (${row.columns.join(', ')})`);
      }
    }
    expect(rows.length).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
  });
});
