import type { JSONSchema7, LanguageModel } from 'ai';
import { z } from 'zod';
import type { TokenUsage } from '../domain/compose/compose-request.js';
import { ComposerError } from '../ports/composer.js';
import type { Prompt } from './prompt.js';

/**
 * How the answer's shape reaches the model: `json_schema` sends the schema for the provider to
 * enforce (OpenAI's `response_format`, Anthropic's `output_config` or JSON tool); `json_object`
 * only asks for JSON, for servers without schema support, and the prompt then describes it.
 */
export type StructuredMode = 'json_schema' | 'json_object';

export interface ModelCallSettings {
  timeoutMs: number;
  temperature: number | null;
  maxOutputTokens: number;
  mode: StructuredMode;
}

/**
 * One model call for a JSON answer, validated by `schema`: no retries (the engine falls back
 * instead), the caller's signal and a deadline of `timeoutMs`, every failure a `ComposerError`.
 * The `ai` SDK (and errors.ts, which reads its errors) loads with the first call.
 */
export async function callForObject<S extends z.ZodType>(
  model: () => Promise<LanguageModel>,
  call: Prompt & { schema: S; name: string },
  settings: ModelCallSettings,
  signal: AbortSignal,
): Promise<{ value: z.output<S>; usage: TokenUsage }> {
  if (signal.aborted) throw new ComposerError('aborted', 'the call was cancelled before it started');
  const [{ generateText, jsonSchema, Output }, { describeIssues, toComposerError }] = await Promise.all([
    import('ai'),
    import('./errors.js'),
  ]);
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  try {
    const result = await generateText({
      model: await model(),
      system: call.system,
      prompt: call.prompt,
      output:
        settings.mode === 'json_schema'
          ? Output.object({ schema: jsonSchema(wireSchema(call.schema)), name: call.name })
          : Output.json({ name: call.name }),
      maxRetries: 0,
      abortSignal: AbortSignal.any([signal, timeout]),
      maxOutputTokens: settings.maxOutputTokens,
      ...(settings.temperature === null ? {} : { temperature: settings.temperature }),
    });
    // Validated here, not by the SDK, so both modes hold answers to the same zod schema.
    const parsed = call.schema.safeParse(result.output);
    if (!parsed.success)
      throw new ComposerError('schema_violation', describeIssues(parsed.error) ?? 'invalid answer', {
        cause: parsed.error,
      });
    return {
      value: parsed.data,
      usage: {
        inputTokens: result.usage.inputTokens ?? null,
        outputTokens: result.usage.outputTokens ?? null,
      },
    };
  } catch (error) {
    throw toComposerError(error, { caller: signal, timeout, timeoutMs: settings.timeoutMs });
  }
}

/**
 * The JSON schema sent to the model: zod's, less string length keywords, which OpenAI's strict
 * structured outputs refuse (a 400) and Anthropic's SDK strips anyway. Zod still checks them.
 */
function wireSchema(schema: z.ZodType): JSONSchema7 {
  let wire = wireSchemas.get(schema);
  if (wire === undefined) {
    wire = withoutLengths(z.toJSONSchema(schema, { target: 'draft-7', io: 'output' })) as JSONSchema7;
    wireSchemas.set(schema, wire);
  }
  return wire;
}

const wireSchemas = new WeakMap<z.ZodType, JSONSchema7>();

function withoutLengths(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLengths);
  if (typeof node !== 'object' || node === null) return node;
  const type = (node as { type?: unknown }).type;
  const isString = type === 'string' || (Array.isArray(type) && type.includes('string'));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node))
    if (!isString || (key !== 'minLength' && key !== 'maxLength')) out[key] = withoutLengths(value);
  return out;
}
