import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/storage/connection/database.js';
import { migrateToLatest } from '../src/storage/connection/migrator.js';
import { claimDrafts, finishDraft } from '../src/storage/draft.repository.js';
import { findSuggestion, insertSuggestions, setSuggestion } from '../src/storage/suggestion.repository.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';

const TENANT = 't1';
const NOW = new Date('2026-11-23T12:00:00.000Z');
const LATER = new Date('2026-11-23T12:05:00.000Z');
const KEY = { tenantId: TENANT, userId: 'maya', suggestionId: 'sug_1' };

/** The repository checks each status change against the suggestion's lifecycle before writing it. */
describe.each(BACKENDS)("a suggestion's status changes on %s", (backend) => {
  let database: Database;
  const row = () => findSuggestion(database.db, TENANT, KEY.suggestionId);

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    await migrateToLatest(database.db);
    await insertSuggestions(
      database.db,
      TENANT,
      [
        {
          suggestionId: KEY.suggestionId,
          userId: KEY.userId,
          characterId: 'luna',
          triggerId: 'nudge',
          occasionKey: 'event:e1',
          approval: 'suggest',
          decisionId: 'dec_1',
          expiresAt: new Date('2026-11-23T14:00:00.000Z'),
          status: 'drafting',
        },
      ],
      NOW,
    );
  });
  afterEach(async () => {
    await database?.close();
  });

  it('refuses to approve a dismissed suggestion, and writes nothing', async () => {
    await setSuggestion(database.db, KEY, { status: 'pending', reason: null, text: 'hi Maya' }, NOW);
    await setSuggestion(
      database.db,
      KEY,
      { status: 'dismissed', reason: 'off topic', handledBy: 'key_1' },
      NOW,
    );
    const before = await row();

    await expect(
      setSuggestion(
        database.db,
        KEY,
        { status: 'approved', reason: null, handledBy: 'key_2', text: 'something else' },
        LATER,
      ),
    ).rejects.toThrow('a suggestion cannot move from dismissed to approved');

    expect(await row()).toEqual(before);
    expect(before).toMatchObject({ status: 'dismissed', status_reason: 'off topic', handled_by: 'key_1' });
  });

  it('refuses to take a pending suggestion back to drafting', async () => {
    await setSuggestion(database.db, KEY, { status: 'pending', reason: null, text: 'hi Maya' }, NOW);
    const before = await row();
    await expect(
      setSuggestion(database.db, KEY, { status: 'drafting', reason: null }, LATER),
    ).rejects.toThrow('from pending to drafting');
    expect(await row()).toEqual(before);
  });

  it('rolls back the transaction that tried an illegal move', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await setSuggestion(trx, KEY, { status: 'pending', reason: null, text: 'hi Maya' }, NOW);
        await setSuggestion(trx, KEY, { status: 'sent', reason: null }, NOW);
      }),
    ).rejects.toThrow('from pending to sent');
    expect(await row()).toMatchObject({ status: 'drafting', text: null });
  });

  it('refuses a draft outcome that drafting never makes, leaving the claim as it was', async () => {
    const [draft] = await claimDrafts(database.db, 'tok', NOW, LATER, 10);
    const outcome = {
      status: 'sent' as 'pending',
      text: 'hi Maya',
      topic: null,
      composer: 'template' as const,
      composition: {},
      reason: null,
    };
    await expect(finishDraft(database.db, draft!, 'tok', outcome, NOW)).rejects.toThrow(
      'from drafting to sent',
    );
    expect(await row()).toMatchObject({ status: 'drafting', text: null, composer: null });
    // the claim still holds: a legal outcome is written
    expect(await finishDraft(database.db, draft!, 'tok', { ...outcome, status: 'pending' }, NOW)).toBe(true);
    expect(await row()).toMatchObject({ status: 'pending', text: 'hi Maya' });
  });

  it('leaves a suggestion that is gone alone, as before', async () => {
    await expect(
      setSuggestion(
        database.db,
        { ...KEY, suggestionId: 'sug_missing' },
        { status: 'sent', reason: null },
        NOW,
      ),
    ).resolves.toBeUndefined();
  });
});
