import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributeReplies } from '../src/engine/outcomes/attribution.js';
import type { Database } from '../src/storage/connection/database.js';
import { migrateToLatest } from '../src/storage/connection/migrator.js';
import { insertNewEvents, type NewEvent } from '../src/storage/event.repository.js';
import { putPolicy } from '../src/storage/policy.repository.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';

const TENANT = 't1';
const BASE = Date.parse('2026-11-23T08:00:00Z');
const MINUTE = 60_000;

/** A proactive message sent to the pair, with the attribution window the policy had then. */
interface Sent {
  outcomeId: string;
  at: number;
  windowMinutes: number;
}
/** Something the pair's user or character did; only `message_in` to `aria` can be a reply. */
interface Said {
  eventId: string;
  kind: 'message_in' | 'message_out';
  characterId: 'aria' | 'bo';
  at: number;
}
/** What arrives, in arrival order: a delivery recording its message, or a batch of events. */
type Arrival = { sent: Sent } | { batch: Said[] };

// times on a coarse grid, so that messages, replies and windows' ends often fall on the same instant
const instant = fc.integer({ min: 0, max: 12 }).map((k) => BASE + k * 30 * MINUTE);
const sentArb = fc.uniqueArray(
  fc.record({
    outcomeId: fc.constantFrom('d1', 'd2', 'd3', 'd4', 'd5', 'd6'),
    at: instant,
    windowMinutes: fc.constantFrom(1, 30, 60, 90, 240),
  }),
  { selector: (s) => s.outcomeId, maxLength: 6 },
);
const saidArb = fc.uniqueArray(
  fc.record({
    eventId: fc.integer({ min: 1, max: 40 }).map((n) => `e${String(n).padStart(2, '0')}`),
    kind: fc.constantFrom('message_in' as const, 'message_in' as const, 'message_out' as const),
    characterId: fc.constantFrom('aria' as const, 'aria' as const, 'bo' as const),
    at: instant,
  }),
  { selector: (e) => e.eventId, maxLength: 12 },
);

/**
 * The arrivals of a pair's history in a shuffled order: each message sent recorded once or twice,
 * the events in batches of one to three, some of them sent again later.
 */
const historyArb = fc.tuple(sentArb, saidArb).chain(([sent, said]) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: said.length, maxLength: said.length }),
      fc.subarray(sent),
      fc.subarray(said, { maxLength: Math.min(3, said.length) }),
    )
    .chain(([sizes, sentTwice, saidTwice]) => {
      const arrivals: Arrival[] = [...sent, ...sentTwice].map((s) => ({ sent: s }));
      for (let i = 0; i < said.length; i += sizes[i]!) arrivals.push({ batch: said.slice(i, i + sizes[i]!) });
      for (const e of saidTwice) arrivals.push({ batch: [e] });
      return fc.shuffledSubarray(arrivals, { minLength: arrivals.length, maxLength: arrivals.length });
    })
    .map((arrivals) => ({ sent, said, arrivals })),
);

/** The rule, computed from the whole history at once: what every arrival order must end with. */
function expectedReplies(sent: Sent[], said: Said[]): Map<string, string | null> {
  const byTime = [...sent].sort((a, b) => a.at - b.at || (a.outcomeId < b.outcomeId ? -1 : 1));
  const replies = said
    .filter((e) => e.kind === 'message_in' && e.characterId === 'aria')
    .sort((a, b) => a.at - b.at || (a.eventId < b.eventId ? -1 : 1));
  return new Map(
    byTime.map((o, i) => {
      const next = byTime[i + 1];
      const end = Math.min(o.at + o.windowMinutes * MINUTE, next ? next.at : Number.POSITIVE_INFINITY);
      const reply = replies.find((e) => e.at >= o.at && e.at < end);
      return [o.outcomeId, reply?.eventId ?? null];
    }),
  );
}

/**
 * Attribution as ingest and delivery run it (engine/outcomes/attribution.ts), on the stored rows:
 * whatever order a pair's messages and replies arrive in, twice or late, each outcome ends with
 * the reply the rule gives for the whole history.
 */
describe.each(BACKENDS)('attributing replies on %s', (backend) => {
  let database: Database;
  let run = 0;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    await migrateToLatest(database.db);
    await sql`insert into tenants (tenant_id, name, created_at) values (${TENANT}, ${TENANT}, now())`.execute(
      database.db,
    );
  });
  afterAll(async () => {
    await database?.close();
  });

  it('ends with the same reply for every outcome whatever the arrival order, repeats included', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async ({ sent, said, arrivals }) => {
        const userId = `u${++run}`; // each run its own pair, in one database
        const now = new Date(BASE + 2 * 86_400_000);
        for (const arrival of arrivals) {
          await database.db.transaction().execute(async (trx) => {
            if ('sent' in arrival) {
              const s = arrival.sent;
              await putPolicy(trx, TENANT, { attributionWindowMinutes: s.windowMinutes }, now);
              await attributeReplies(
                trx,
                TENANT,
                [],
                {
                  deliveryId: s.outcomeId,
                  suggestionId: `s-${s.outcomeId}`,
                  userId,
                  characterId: 'aria',
                  at: new Date(s.at),
                },
                now,
              );
              return;
            }
            const events: NewEvent[] = arrival.batch.map((e) => ({
              userId,
              eventId: e.eventId,
              characterId: e.characterId,
              kind: e.kind,
              name: null,
              at: new Date(e.at),
              text: 'sure, sounds good',
              channel: null,
              meta: null,
              feedback: null,
            }));
            const inserted = new Set((await insertNewEvents(trx, TENANT, events, now)).map((e) => e.eventId));
            await attributeReplies(
              trx,
              TENANT,
              events.filter((e) => inserted.has(e.eventId)),
              undefined,
              now,
            );
          });
        }
        const { rows } = await sql<{
          outcome_id: string;
          reply_event_id: string | null;
          replied_at: Date | null;
        }>`
          select outcome_id, reply_event_id, replied_at from outcomes
          where tenant_id = ${TENANT} and user_id = ${userId}`.execute(database.db);
        const stored = new Map(rows.map((r) => [r.outcome_id, r.reply_event_id]));
        expect(stored).toEqual(expectedReplies(sent, said));
        for (const r of rows) {
          const reply = said.find((e) => e.eventId === r.reply_event_id);
          expect(r.replied_at?.getTime() ?? null).toBe(reply?.at ?? null);
        }
      }),
      { numRuns: 100 },
    );
  });
});
