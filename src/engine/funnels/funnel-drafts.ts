import type { FunnelDraft, TopicRecord } from '../../domain/compose/draft-step.js';
import type { ClaimedDraft } from '../../storage/draft.repository.js';
import { findRunsWithHookTopic } from '../../storage/funnel.repository.js';
import type { EngineContext } from '../kernel/resources.js';
import { templateOfRun, templatesOf } from './funnel-runs.js';

/**
 * What the drafter writes for the funnel messages among a tenant's claimed drafts, by suggestion
 * id: the step's script (at the version the run started on), whether the model may word it, and
 * the hook's topic; `gone` for a message whose run has ended or moved past it since.
 */
export async function loadFunnelDrafts(
  ctx: EngineContext,
  tenantId: string,
  drafts: readonly ClaimedDraft[],
): Promise<Map<string, FunnelDraft | 'gone'>> {
  const out = new Map<string, FunnelDraft | 'gone'>();
  const wanted = drafts.flatMap((d) => (d.funnel ? [{ draft: d, ...d.funnel }] : []));
  if (wanted.length === 0) return out;
  const runs = await findRunsWithHookTopic(
    ctx.db,
    tenantId,
    wanted.map((w) => ({ userId: w.draft.userId, runId: w.runId })),
  );
  const templates = await templatesOf(ctx, ctx.db, tenantId, [...runs.values()]);
  for (const w of wanted) {
    const run = runs.get(w.runId);
    // the hook waits for its draft (not sent yet); a later step for the run to be still at it
    const current =
      run && run.status === 'active' && run.seq === w.seq && (w.seq > 0 || run.step_sent_at === null);
    if (!run || !current) {
      out.set(w.draft.suggestionId, 'gone');
      continue;
    }
    const step = templateOfRun(templates, run).steps.find((s) => s.stepId === run.step_id)!;
    out.set(w.draft.suggestionId, {
      script: step.text,
      compose: step.compose,
      seq: w.seq,
      hookTopic: (run.hook_topic as TopicRecord | null) ?? null,
    });
  }
  return out;
}
