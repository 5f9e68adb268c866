import type { ComposeRequest, JudgeRequest } from '../../domain/compose/compose-request.js';
import { planDraft, readContext, readJudgement } from '../../domain/compose/draft-plan.js';
import type {
  ComposeFailure,
  DraftResult,
  DraftStep,
  JudgeAnswer,
  ModelAnswer,
} from '../../domain/compose/draft-step.js';
import { readModelOpener, readTemplateOpener } from '../../domain/compose/opener-choice.js';
import { assertNever } from '../../domain/shared/assert-never.js';
import {
  type Composer,
  ComposerError,
  type ComposerName,
  type LlmProvider,
  type LlmProviderFactory,
} from '../../ports/composer.js';
import type { DraftOutcome } from '../../storage/draft.repository.js';
import { loadUserContext } from '../context/context-providers.js';
import type { EngineContext } from '../kernel/resources.js';
import type { DraftToCompose } from './compose-state.js';

/** What composing needs besides the engine's resources: the composers. */
export interface ComposeDeps {
  template: Composer;
  /** A model for these settings (the engine keeps one per settings). */
  llm: LlmProviderFactory;
}

/**
 * Writes the opener of one claimed suggestion, loaded by `loadTenantDrafts`: the planner
 * (src/domain/compose/draft-plan.ts) decides each step, and this does the I/O it asks for,
 * outside any transaction: the user's context through the character's context provider, the llm
 * trigger's question, the model's opener, the template's. A model that fails, times out or
 * writes an opener that breaks a guardrail is replaced by the template composer, and the outcome
 * records who wrote it, the tokens used and why any fallback happened.
 */
export async function composeDraft(
  ctx: EngineContext,
  deps: ComposeDeps,
  draft: DraftToCompose,
  signal: AbortSignal,
): Promise<DraftOutcome> {
  const now = ctx.clock.now();
  const { tenantId, userId, characterId, suggestionId } = draft.claim;
  let composedBy: ComposerName = 'template';
  let step: DraftStep = planDraft(draft.state, now.getTime());
  for (;;) {
    switch (step.action) {
      case 'end':
        return outcomeOf(step.result, composedBy);
      case 'load_context': {
        const query = { tenantId, userId, characterId, purpose: step.purpose, now };
        step = readContext(step, await loadUserContext(ctx, query, { signal }));
        break;
      }
      case 'judge':
        step = readJudgement(step, await askJudge(modelFor(deps, draft), step.request, signal));
        break;
      case 'compose': {
        const model = modelFor(deps, draft);
        composedBy = model.name;
        step = readModelOpener(step, await askModel(ctx, model, step.request, suggestionId, signal));
        break;
      }
      case 'template':
        step = readTemplateOpener(step, await deps.template.compose(step.request, { signal }));
        break;
      default:
        return assertNever(step);
    }
  }
}

/** The model of the draft's provider; the planner asks a model only when one is configured. */
function modelFor(deps: ComposeDeps, draft: DraftToCompose): LlmProvider {
  const settings = draft.provider.settings;
  if (!settings) throw new Error('the planner asked a model, but none is configured');
  return deps.llm(settings, draft.claim.tenantId);
}

/** The llm trigger's question; a failure is an answer too (counted as no), unless the draft was abandoned. */
async function askJudge(
  model: LlmProvider,
  request: JudgeRequest,
  signal: AbortSignal,
): Promise<JudgeAnswer> {
  try {
    return { output: await model.judge(request, { signal }) };
  } catch (error) {
    if (signal.aborted) throw error;
    return { failure: failureOf(error) };
  }
}

/** The model's opener, or why there is none; an error that is not a `ComposerError` is logged too. */
async function askModel(
  ctx: EngineContext,
  model: LlmProvider,
  request: ComposeRequest,
  suggestionId: string,
  signal: AbortSignal,
): Promise<ModelAnswer> {
  try {
    return { from: model.name, output: await model.compose(request, { signal }) };
  } catch (error) {
    if (signal.aborted) throw error;
    if (!(error instanceof ComposerError))
      ctx.logger.error({ err: error, suggestionId }, 'composer failed unexpectedly');
    return { from: model.name, failure: failureOf(error) };
  }
}

function failureOf(error: unknown): ComposeFailure {
  const e = error instanceof ComposerError ? error : undefined;
  return { reason: e?.reason ?? 'error', detail: e?.detail ?? String(error) };
}

function outcomeOf(result: DraftResult, composedBy: ComposerName): DraftOutcome {
  const { writtenBy, ...rest } = result;
  return { ...rest, composer: writtenBy === 'model' ? composedBy : writtenBy };
}
