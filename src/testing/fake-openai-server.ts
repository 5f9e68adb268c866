import {
  asRecord,
  type FakeModelServer,
  type FakeResponder,
  type ModelApiFormat,
  startFakeModelServer,
} from './fake-model-server.js';

/**
 * OpenAI's chat completions API (`POST /v1/chat/completions`), as OpenAI-compatible servers
 * answer it: the answer is the message's content (JSON text for an object), with `usage`.
 */
const OPENAI_FORMAT: ModelApiFormat = {
  path: '/v1/chat/completions',
  schemaOf(body) {
    const format = asRecord(asRecord(body)?.response_format);
    return format?.type === 'json_schema' ? asRecord(asRecord(format.json_schema)?.schema) : null;
  },
  success(reply, usage, request) {
    return {
      id: `chatcmpl-fake-${Date.now().toString(36)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: asRecord(request.body)?.model ?? 'fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'json' in reply ? reply.json : reply.text },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: usage.inputTokens,
        completion_tokens: usage.outputTokens,
        total_tokens: usage.inputTokens + usage.outputTokens,
      },
    };
  },
  error(status, message) {
    return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'fake_error', code: null } };
  },
};

/**
 * A local OpenAI-compatible server over real HTTP, for the real client library: script replies,
 * then read what it was sent.
 *
 * @example
 * const fake = await startFakeOpenAiServer();
 * fake.script({ object: { message: 'Hi! How did the interview go?', topicId: 'loop:1' } });
 * // ... baseUrl: fake.url ...
 * await fake.close();
 */
export function startFakeOpenAiServer(options: { otherwise?: FakeResponder } = {}): Promise<FakeModelServer> {
  return startFakeModelServer(OPENAI_FORMAT, options);
}
