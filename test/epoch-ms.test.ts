import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCALES, emptyUserActivity, observeActivity } from '../src/domain/activity/user-activity.js';
import { ZoneOffsets } from '../src/domain/shared/local-time.js';
import { decodeUserActivity, encodeUserActivity } from '../src/storage/codecs/activity-codec.js';
import { epochMs, fromEpochMs, fromEpochMsSql } from '../src/storage/codecs/epoch-ms.js';
import type { Database } from '../src/storage/connection/database.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';

describe.each(BACKENDS)('reading what a decision needs on %s', (backend) => {
  let database: Database;
  afterEach(async () => {
    await database?.close();
  });

  it('reads a timestamp as epoch milliseconds equal to the Date the driver parses, sub-millisecond digits included', async () => {
    database = await openTestDatabase(backend);
    const db = database.db;
    await sql`create table instants (n int primary key, at timestamptz)`.execute(db);
    const texts = [
      '2026-12-01 10:45:31.291+00',
      '2026-12-01 10:45:31.2919+00',
      '2026-12-01 10:45:31.999999+00',
      '2026-03-29 02:30:00.0005+02',
      '1969-12-31 23:59:59.9995+00',
      '1901-06-01 12:00:00.001-05:30',
      '2100-01-01 00:00:00+00',
    ];
    for (const [n, text] of texts.entries())
      await sql`insert into instants values (${n}, ${text}::timestamptz)`.execute(db);
    await sql`insert into instants values (${texts.length}, null)`.execute(db);
    const { rows } = await sql<{ n: number; at: Date | null; ms: string | null }>`
      select n, at, ${epochMs('at')} as ms from instants order by n`.execute(db);
    expect(rows).toHaveLength(texts.length + 1);
    for (const r of rows) expect(fromEpochMs(r.ms), `row ${r.n}`).toBe(r.at?.getTime() ?? null);
    expect(fromEpochMs(rows[0]!.ms)).toBe(Date.parse('2026-12-01T10:45:31.291Z'));
    expect(fromEpochMs(rows[4]!.ms)).toBe(-1);
  });

  it('writes epoch milliseconds as the very instant, whatever the millisecond', async () => {
    database = await openTestDatabase(backend);
    const values = [
      0, -1, 1, 999, 1_796_089_665_319, 1_796_089_665_999, 4_102_444_800_001, -2_208_988_800_123,
    ];
    const { rows } = await sql<{ ms: number; at: Date }>`
      select v.ms, ${fromEpochMsSql('v.ms')} as at
      from unnest(${values}::int8[]) as v(ms)`.execute(database.db);
    expect(rows.map((r) => r.at.getTime())).toEqual(values);
  });

  it("reads a model sent as PostgreSQL's base64, line breaks and all, as the bytes it stored", async () => {
    database = await openTestDatabase(backend);
    const model = emptyUserActivity(Date.parse('2026-11-01T00:00:00Z'));
    for (let i = 0; i < 80; i++)
      observeActivity(
        model,
        Date.parse('2026-11-01T00:00:00Z') + i * 9_876_543,
        new ZoneOffsets('Asia/Kolkata'),
        'explicit',
        DEFAULT_SCALES,
      );
    const bytes = encodeUserActivity(model);
    const { rows } = await sql<{ text: string }>`select encode(${bytes}::bytea, 'base64') as text`.execute(
      database.db,
    );
    expect(rows[0]!.text).toContain('\n');
    const back = Buffer.from(rows[0]!.text, 'base64');
    expect(back.equals(bytes)).toBe(true);
    expect(decodeUserActivity(back)).toEqual(decodeUserActivity(bytes));
  });
});
