import type { FactInput, FactQuery, MemoryInput, MemoryQuery } from '../../contract/context.schema.js';
import { notFound } from '../../contract/errors.js';
import {
  deleteFact,
  deleteMemory,
  type FactRow,
  insertFact,
  insertMemory,
  listFacts,
  listMemories,
  type MemoryRow,
} from '../../storage/context.repository.js';
import type { Db } from '../../storage/schema.js';
import { newId } from '../kernel/ids.js';
import { mustExist } from '../kernel/must-exist.js';
import type { EngineContext } from '../kernel/resources.js';

/**
 * What the agent knows of a user: facts and memories, the material topics are chosen from. The
 * user must exist already (an event or `PATCH /v1/users/{id}` makes one), and so must the
 * character a fact or memory is kept for: a typo in an id is a 404, not a stranger's record.
 */
export async function addFact(ctx: EngineContext, tenantId: string, userId: string, input: FactInput) {
  const now = ctx.clock.now();
  const row: FactRow = {
    user_id: userId,
    fact_id: newId('fact', now.getTime()),
    character_id: input.characterId ?? null,
    text: input.text,
    subject: input.subject ?? null,
    predicate: input.predicate ?? null,
    object: input.object ?? null,
    category: input.category ?? null,
    salience: input.salience,
    sensitive: input.sensitive,
    mention: input.mention || null,
    source: input.source,
    created_at: now,
  };
  await storeForUser(ctx, tenantId, userId, input.characterId, (trx) => insertFact(trx, tenantId, row));
  return factView(row);
}

export async function listFactPage(ctx: EngineContext, tenantId: string, userId: string, query: FactQuery) {
  await mustExist(ctx.db, tenantId, userId);
  const rows = await listFacts(ctx.db, tenantId, { userId, ...query });
  return { facts: rows.map(factView), next: rows.length === query.limit ? rows.at(-1)!.fact_id : null };
}

export async function removeFact(ctx: EngineContext, tenantId: string, userId: string, factId: string) {
  if (!(await deleteFact(ctx.db, tenantId, userId, factId)))
    throw notFound(`fact "${factId}" of user "${userId}"`);
}

export async function addMemory(ctx: EngineContext, tenantId: string, userId: string, input: MemoryInput) {
  const now = ctx.clock.now();
  const row: MemoryRow = {
    user_id: userId,
    memory_id: newId('mem', now.getTime()),
    character_id: input.characterId ?? null,
    text: input.text,
    at: input.at === undefined ? now : new Date(input.at),
    tags: [...new Set(input.tags)],
    salience: input.salience,
    sensitive: input.sensitive,
    mention: input.mention || null,
    source: input.source,
    created_at: now,
  };
  await storeForUser(ctx, tenantId, userId, input.characterId, (trx) => insertMemory(trx, tenantId, row));
  return memoryView(row);
}

export async function listMemoryPage(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  query: MemoryQuery,
) {
  await mustExist(ctx.db, tenantId, userId);
  const rows = await listMemories(ctx.db, tenantId, { userId, ...query });
  return {
    memories: rows.map(memoryView),
    next: rows.length === query.limit ? rows.at(-1)!.memory_id : null,
  };
}

export async function removeMemory(ctx: EngineContext, tenantId: string, userId: string, memoryId: string) {
  if (!(await deleteMemory(ctx.db, tenantId, userId, memoryId)))
    throw notFound(`memory "${memoryId}" of user "${userId}"`);
}

/** Writes a user's item in one transaction with the check that the user and character exist. */
async function storeForUser(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  characterId: string | undefined,
  insert: (trx: Db) => Promise<void>,
) {
  await ctx.db.transaction().execute(async (trx) => {
    await mustExist(trx, tenantId, userId, characterId);
    await insert(trx);
  });
}

function factView(r: FactRow) {
  return {
    factId: r.fact_id,
    userId: r.user_id,
    characterId: r.character_id,
    text: r.text,
    subject: r.subject,
    predicate: r.predicate,
    object: r.object,
    category: r.category,
    salience: r.salience,
    sensitive: r.sensitive,
    mention: r.mention,
    source: r.source,
    createdAt: r.created_at.toISOString(),
  };
}

function memoryView(r: MemoryRow) {
  return {
    memoryId: r.memory_id,
    userId: r.user_id,
    characterId: r.character_id,
    text: r.text,
    at: r.at.toISOString(),
    tags: r.tags,
    salience: r.salience,
    sensitive: r.sensitive,
    mention: r.mention,
    source: r.source,
    createdAt: r.created_at.toISOString(),
  };
}
