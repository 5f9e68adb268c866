import { randomBytes } from 'node:crypto';
import { notFound, OvertureError } from '../../contract/errors.js';
import type { FunnelCreate, FunnelReplace, FunnelView } from '../../contract/funnel.schema.js';
import type { FunnelTemplate } from '../../domain/funnels/funnel.js';
import {
  deleteFunnel,
  insertFunnel,
  listFunnels,
  replaceFunnel,
  type StoredFunnel,
} from '../../storage/funnel.repository.js';
import { appendAudit } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';

const newFunnelId = () => `fnl_${randomBytes(8).toString('hex')}`;

/** Creates a funnel at version 1; an id in use (even by a deleted funnel) is a conflict. */
export async function createFunnel(ctx: EngineContext, tenantId: string, input: FunnelCreate, actor: string) {
  const now = ctx.clock.now();
  const { funnelId = newFunnelId(), name, ...definition } = input;
  const stored = await ctx.db.transaction().execute(async (trx) => {
    const made = await insertFunnel(trx, tenantId, { funnelId, name, definition }, now);
    if (!made) throw new OvertureError('conflict', `funnel "${funnelId}" already exists`);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'funnel.created',
      subject: `funnel:${funnelId}`,
      detail: { name, version: 1 },
    });
    return made;
  });
  return funnelView(stored);
}

/** Replaces a funnel with a new version; runs under way end on the version they started on. */
export async function putFunnel(
  ctx: EngineContext,
  tenantId: string,
  funnelId: string,
  input: FunnelReplace,
  actor: string,
) {
  const now = ctx.clock.now();
  const { name, ...definition } = input;
  const stored = await ctx.db.transaction().execute(async (trx) => {
    const made = await replaceFunnel(trx, tenantId, { funnelId, name, definition }, now);
    if (!made) throw notFound(`funnel "${funnelId}"`);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'funnel.replaced',
      subject: `funnel:${funnelId}`,
      detail: { name, version: made.version },
    });
    return made;
  });
  return funnelView(stored);
}

export async function getFunnel(ctx: EngineContext, tenantId: string, funnelId: string) {
  const [found] = await listFunnels(ctx.db, tenantId, [funnelId]);
  if (!found) throw notFound(`funnel "${funnelId}"`);
  return funnelView(found);
}

export async function listFunnelViews(ctx: EngineContext, tenantId: string) {
  return { funnels: (await listFunnels(ctx.db, tenantId)).map(funnelView) };
}

/** Deletes a funnel: no run starts on it again; runs under way end on their version. */
export async function removeFunnel(ctx: EngineContext, tenantId: string, funnelId: string, actor: string) {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteFunnel(trx, tenantId, funnelId, now))) throw notFound(`funnel "${funnelId}"`);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'funnel.deleted',
      subject: `funnel:${funnelId}`,
      detail: null,
    });
  });
}

export function funnelView(f: StoredFunnel): FunnelView {
  const template = templateOf(f.funnelId, f.name, f.definition);
  return {
    funnelId: f.funnelId,
    name: f.name,
    version: f.version,
    start: template.start,
    audience: { ...template.audience },
    steps: template.steps.map((s) => ({ ...s })),
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

/**
 * A stored definition as the state machine reads it. Stored definitions were validated by the
 * contract on the way in (FunnelCreate, FunnelReplace), defaults filled.
 */
export function templateOf(
  funnelId: string,
  name: string,
  definition: Record<string, unknown>,
): FunnelTemplate {
  const d = definition as Omit<FunnelTemplate, 'funnelId' | 'name'>;
  return { funnelId, name, start: d.start, audience: d.audience, steps: d.steps };
}
