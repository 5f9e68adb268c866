import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicServer } from '../testing/fake-anthropic-server.js';
import type { FakeModelServer, RecordedRequest } from '../testing/fake-model-server.js';
import { type AnthropicSettings, createAnthropicProvider } from './anthropic.js';
import {
  composeRequest,
  composerContract,
  composerOverFake,
  goodAnswer,
  intentRequest,
  judgeRequest,
} from './llm.contract.js';
import { llmProviderContract } from './provider.contract.js';

const settings = (baseUrl: string, overrides: Partial<AnthropicSettings> = {}): AnthropicSettings => ({
  baseUrl,
  model: 'claude-sonnet-4-5',
  apiKey: 'sk-ant-test',
  timeoutMs: 60_000,
  temperature: 0.5,
  maxOutputTokens: 300,
  ...overrides,
});

type Body = { system: { type: string; text: string }[]; messages: { content: { text: string }[] }[] };
const systemOf = (r: RecordedRequest) => (r.body as Body).system.map((s) => s.text).join('\n');
const userOf = (r: RecordedRequest) => (r.body as Body).messages[0]!.content.map((c) => c.text).join('\n');

composerContract(
  'anthropic',
  () => composerOverFake(startFakeAnthropicServer, (url) => createAnthropicProvider(settings(url))),
  { usage: 'tokens' },
);

llmProviderContract('anthropic', async () => {
  const fake = await startFakeAnthropicServer();
  return {
    fake,
    provider: (overrides = {}, options = {}) =>
      createAnthropicProvider(settings(fake.url, overrides), options),
    systemOf,
    userOf,
  };
});

describe('createAnthropicProvider', () => {
  let fake: FakeModelServer;
  beforeEach(async () => {
    fake = await startFakeAnthropicServer();
  });
  afterEach(() => fake.close());
  const signal = new AbortController().signal;
  const body = () => fake.requests[0]!.body as Record<string, unknown>;

  it('sends the key as x-api-key with the API version, the model and the generation settings', async () => {
    fake.script({ object: goodAnswer(composeRequest()) });
    await createAnthropicProvider(settings(fake.url)).compose(composeRequest(), { signal });
    expect(fake.requests[0]).toMatchObject({ path: '/v1/messages', method: 'POST' });
    expect(fake.requests[0]!.headers).toMatchObject({
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
    });
    expect(fake.requests[0]!.headers).not.toHaveProperty('authorization');
    expect(body()).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 300, temperature: 0.5 });
  });

  it('asks a model with structured outputs through output_config.format', async () => {
    fake.script({ object: goodAnswer(composeRequest()) });
    await createAnthropicProvider(settings(fake.url)).compose(composeRequest(), { signal });
    expect(body().output_config).toMatchObject({
      format: { type: 'json_schema', schema: { required: ['message', 'topicId'] } },
    });
    expect(body()).not.toHaveProperty('tools');
  });

  it('asks an older model through a forced json tool, and reads its tool_use answer', async () => {
    fake.script([
      { object: goodAnswer(composeRequest()) },
      { object: { reason: 'The exam is on Thursday.', answer: 'yes' } },
      { object: { reason: 'They put it off.', intent: 'decline', choiceId: 'later' } },
    ]);
    const provider = createAnthropicProvider(settings(fake.url, { model: 'claude-3-haiku-20240307' }));
    const output = await provider.compose(composeRequest(), { signal });
    expect(output).toMatchObject({ text: 'Hi! How did your interview go?', topicId: 'loop:interview' });
    expect(body()).not.toHaveProperty('output_config');
    expect(body()).toMatchObject({ tools: [{ name: 'json' }], tool_choice: { type: 'any' } });
    expect(await provider.judge(judgeRequest(), { signal })).toMatchObject({ answer: true });
    expect(await provider.readIntent(intentRequest(), { signal })).toMatchObject({
      intent: 'decline',
      choiceId: 'later',
    });
    expect(fake.requests[2]!.schema).toMatchObject({ required: ['reason', 'intent', 'choiceId'] });
  });
});
