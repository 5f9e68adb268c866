import type { LanguageModel } from 'ai';
import type { z } from 'zod';
import type {
  ComposeOutput,
  ComposeRequest,
  IntentOutput,
  IntentRequest,
  JudgeOutput,
  JudgeRequest,
} from '../domain/compose/compose-request.js';
import type { FetchFunction } from '../net/guarded-fetch.js';
import type { LlmProvider } from '../ports/composer.js';
import {
  buildIntentPrompt,
  buildJudgePrompt,
  buildOpenerPrompt,
  checkIntentChoice,
  checkOpenerTopic,
  IntentSchema,
  JudgeSchema,
  OpenerSchema,
  type Prompt,
} from './prompt.js';
import { callForObject, type ModelCallSettings } from './structured-call.js';

/** How a provider reaches its server, besides its settings. */
export interface ProviderOptions {
  /**
   * Every call goes through this fetch: the engine gives each tenant's providers that tenant's
   * guarded fetch (src/net); by default a trusted one, which still refuses link-local and
   * metadata addresses and never follows a redirect (the SDK's own fetch would).
   */
  fetch?: FetchFunction;
}

/**
 * An `LlmProvider` over one language model of the `ai` SDK: the prompt, the structured call and
 * the checks are the same for every provider; only how the model is reached differs. `loadModel`
 * runs at the first call (the SDKs load then, not when the engine starts), and again after it failed.
 */
export function createModelProvider(
  name: 'openai-compatible' | 'anthropic',
  loadModel: () => Promise<LanguageModel>,
  settings: ModelCallSettings,
): LlmProvider {
  const jsonInstructions = settings.mode === 'json_object';
  let loaded: Promise<LanguageModel> | undefined;
  const model = () => {
    loaded ??= loadModel().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  // One structured call per question; `answer` names the JSON answer for the provider.
  const ask = <S extends z.ZodType>(prompt: Prompt, schema: S, answer: string, signal: AbortSignal) =>
    callForObject(model, { ...prompt, schema, name: answer }, settings, signal);
  return {
    name,
    async compose(request: ComposeRequest, options: { signal: AbortSignal }): Promise<ComposeOutput> {
      const prompt = buildOpenerPrompt(request, { jsonInstructions });
      const { value, usage } = await ask(prompt, OpenerSchema, 'opener', options.signal);
      return { text: unquote(value.message), topicId: checkOpenerTopic(value, request), usage };
    },
    async judge(request: JudgeRequest, options: { signal: AbortSignal }): Promise<JudgeOutput> {
      const prompt = buildJudgePrompt(request, { jsonInstructions });
      const { value, usage } = await ask(prompt, JudgeSchema, 'judgement', options.signal);
      return { answer: value.answer === 'yes', reason: value.reason, usage };
    },
    async readIntent(request: IntentRequest, options: { signal: AbortSignal }): Promise<IntentOutput> {
      const prompt = buildIntentPrompt(request, { jsonInstructions });
      const { value, usage } = await ask(prompt, IntentSchema, 'intent', options.signal);
      const choiceId = checkIntentChoice(value, request);
      return { intent: value.intent, choiceId, reason: value.reason, usage };
    },
  };
}

/**
 * Models asked for plain text still wrap it in quotation marks now and then; a pair around the
 * whole text (with none inside) goes.
 */
function unquote(text: string): string {
  const inner = /^["“«]([^"“”«»]*)["”»]$/.exec(text)?.[1]?.trim();
  return inner === undefined || inner === '' ? text : inner;
}
