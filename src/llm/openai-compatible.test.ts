import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeModelServer, RecordedRequest } from '../testing/fake-model-server.js';
import { startFakeOpenAiServer } from '../testing/fake-openai-server.js';
import {
  composeRequest,
  composerContract,
  composerOverFake,
  goodAnswer,
  intentRequest,
} from './llm.contract.js';
import { createOpenAiCompatibleProvider, type OpenAiCompatibleSettings } from './openai-compatible.js';
import { llmProviderContract } from './provider.contract.js';

const settings = (
  baseUrl: string,
  overrides: Partial<OpenAiCompatibleSettings> = {},
): OpenAiCompatibleSettings => ({
  baseUrl,
  model: 'llama3.2:3b',
  apiKey: 'sk-test-123',
  timeoutMs: 60_000,
  temperature: 0.7,
  maxOutputTokens: 200,
  structuredOutputs: true,
  ...overrides,
});

type Message = { role: string; content: string };
const messages = (r: RecordedRequest) => (r.body as { messages: Message[] }).messages;

composerContract(
  'openai-compatible',
  () => composerOverFake(startFakeOpenAiServer, (url) => createOpenAiCompatibleProvider(settings(url))),
  { usage: 'tokens' },
);

llmProviderContract('openai-compatible', async () => {
  const fake = await startFakeOpenAiServer();
  return {
    fake,
    provider: (overrides = {}, options = {}) =>
      createOpenAiCompatibleProvider(settings(fake.url, overrides), options),
    systemOf: (r) => messages(r).find((m) => m.role === 'system')!.content,
    userOf: (r) => messages(r).find((m) => m.role === 'user')!.content,
  };
});

describe('createOpenAiCompatibleProvider', () => {
  let fake: FakeModelServer;
  beforeEach(async () => {
    fake = await startFakeOpenAiServer();
  });
  afterEach(() => fake.close());
  const signal = new AbortController().signal;
  const body = (i = 0) => fake.requests[i]!.body as Record<string, unknown>;

  it('sends the API key as a bearer token, the model id and the generation settings', async () => {
    fake.script({ object: goodAnswer(composeRequest()) });
    await createOpenAiCompatibleProvider(settings(fake.url)).compose(composeRequest(), { signal });
    expect(fake.requests[0]).toMatchObject({ path: '/v1/chat/completions', method: 'POST' });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-test-123');
    expect(body()).toMatchObject({ model: 'llama3.2:3b', temperature: 0.7, max_tokens: 200 });
  });

  it('sends no Authorization header and no temperature when neither is set', async () => {
    fake.script({ object: goodAnswer(composeRequest()) });
    const provider = createOpenAiCompatibleProvider(settings(fake.url, { apiKey: null, temperature: null }));
    await provider.compose(composeRequest(), { signal });
    expect(fake.requests[0]!.headers).not.toHaveProperty('authorization');
    expect(body()).not.toHaveProperty('temperature');
  });

  it('asks for a strict JSON schema response_format with structuredOutputs', async () => {
    fake.script({ object: goodAnswer(composeRequest()) });
    await createOpenAiCompatibleProvider(settings(fake.url)).compose(composeRequest(), { signal });
    expect(body().response_format).toMatchObject({
      type: 'json_schema',
      json_schema: {
        name: 'opener',
        strict: true,
        schema: { type: 'object', required: ['message', 'topicId'], additionalProperties: false },
      },
    });
    // OpenAI's strict mode refuses string length keywords; zod checks them after parsing instead.
    expect(JSON.stringify(body().response_format)).not.toMatch(/minLength|maxLength/);
  });

  it('without structuredOutputs asks for json_object and describes the JSON in the prompt', async () => {
    fake.script([{ object: goodAnswer(composeRequest()) }, { object: { message: 42, topicId: null } }]);
    const provider = createOpenAiCompatibleProvider(settings(fake.url, { structuredOutputs: false }));
    const output = await provider.compose(composeRequest(), { signal });
    expect(output.text).toBe('Hi! How did your interview go?');
    expect(body().response_format).toEqual({ type: 'json_object' });
    expect(messages(fake.requests[0]!)[0]!.content).toContain('{"message": "<the opener>"');
    expect(fake.requests[0]!.schema).toBeNull();
    await expect(provider.compose(composeRequest(), { signal })).rejects.toMatchObject({
      reason: 'schema_violation',
    });
  });

  it('without structuredOutputs describes the intent JSON in the prompt and still checks the choice', async () => {
    fake.script([
      { object: { reason: 'They agree.', intent: 'advance', choiceId: 'plan' } },
      { object: { reason: 'They agree.', intent: 'advance', choiceId: 'later' } },
    ]);
    const provider = createOpenAiCompatibleProvider(settings(fake.url, { structuredOutputs: false }));
    expect(await provider.readIntent(intentRequest(), { signal })).toMatchObject({ choiceId: 'plan' });
    expect(body().response_format).toEqual({ type: 'json_object' });
    expect(messages(fake.requests[0]!)[0]!.content).toContain('"intent": "advance", "decline" or "other"');
    await expect(provider.readIntent(intentRequest(), { signal })).rejects.toMatchObject({
      reason: 'schema_violation',
    });
  });

  it("turns a 200 that is not a chat completion into 'malformed_output'", async () => {
    fake.script({ status: 200, body: { hello: 'world' } });
    await expect(
      createOpenAiCompatibleProvider(settings(fake.url)).compose(composeRequest(), { signal }),
    ).rejects.toMatchObject({ reason: 'malformed_output', status: 200 });
  });

  it('takes one pair of quotation marks off an opener', async () => {
    fake.script({ object: { message: '"Hi! How did your interview go?"', topicId: 'loop:interview' } });
    const output = await createOpenAiCompatibleProvider(settings(fake.url)).compose(composeRequest(), {
      signal,
    });
    expect(output.text).toBe('Hi! How did your interview go?');
  });
});
