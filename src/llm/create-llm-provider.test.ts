import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicServer } from '../testing/fake-anthropic-server.js';
import type { FakeModelServer } from '../testing/fake-model-server.js';
import { startFakeOpenAiServer } from '../testing/fake-openai-server.js';
import { createLlmProvider } from './create-llm-provider.js';
import { composeRequest, goodAnswer } from './llm.contract.js';

describe('createLlmProvider', () => {
  const fakes: FakeModelServer[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });
  const common = { model: 'm', timeoutMs: 60_000, temperature: null, maxOutputTokens: 100 };
  const signal = new AbortController().signal;

  it('builds the provider its kind names, talking to that API', async () => {
    const openai = await startFakeOpenAiServer();
    const anthropic = await startFakeAnthropicServer();
    fakes.push(openai, anthropic);
    openai.script({ object: goodAnswer(composeRequest()) });
    anthropic.script({ object: goodAnswer(composeRequest()) });
    const a = createLlmProvider({
      kind: 'openai-compatible',
      baseUrl: openai.url,
      apiKey: null,
      structuredOutputs: true,
      ...common,
    });
    const b = createLlmProvider({ kind: 'anthropic', baseUrl: anthropic.url, apiKey: 'k', ...common });
    expect([a.name, b.name]).toEqual(['openai-compatible', 'anthropic']);
    await a.compose(composeRequest(), { signal });
    await b.compose(composeRequest(), { signal });
    expect(openai.requests.map((r) => r.path)).toEqual(['/v1/chat/completions']);
    expect(anthropic.requests.map((r) => r.path)).toEqual(['/v1/messages']);
  });
});
