import {
  asRecord,
  type FakeModelServer,
  type FakeResponder,
  type ModelApiFormat,
  type RecordedRequest,
  startFakeModelServer,
} from './fake-model-server.js';

/**
 * Anthropic's Messages API (`POST /v1/messages`). `@ai-sdk/anthropic` asks for structured output
 * in one of two ways, by model: `output_config.format` (a JSON schema; the answer is a text
 * block), or, for models without structured outputs, a tool named `json` that it forces (the
 * answer is that tool's `tool_use` block). The fake answers an object the way it was asked.
 */
const ANTHROPIC_FORMAT: ModelApiFormat = {
  path: '/v1/messages',
  schemaOf(body) {
    const format = asRecord(asRecord(asRecord(body)?.output_config)?.format);
    if (format?.type === 'json_schema') return asRecord(format.schema);
    return asRecord(asRecord(jsonTool(body))?.input_schema);
  },
  success(reply, usage, request) {
    const viaTool = 'json' in reply && jsonTool(request.body) !== undefined;
    return {
      id: `msg_fake_${Date.now().toString(36)}`,
      type: 'message',
      role: 'assistant',
      model: asRecord(request.body)?.model ?? 'fake',
      content: viaTool
        ? [{ type: 'tool_use', id: 'toolu_fake', name: 'json', input: JSON.parse(reply.json) }]
        : [{ type: 'text', text: 'json' in reply ? reply.json : reply.text }],
      stop_reason: viaTool ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
    };
  },
  error(status, message) {
    const type = status === 429 ? 'rate_limit_error' : status === 401 ? 'authentication_error' : 'api_error';
    return { type: 'error', error: { type, message } };
  },
};

function jsonTool(body: RecordedRequest['body']): unknown {
  const tools = asRecord(body)?.tools;
  return Array.isArray(tools) ? tools.find((t) => asRecord(t)?.name === 'json') : undefined;
}

/**
 * A local Anthropic Messages API server over real HTTP, for the real client library: script
 * replies, then read what it was sent (`x-api-key`, `system`, `output_config` or tools).
 */
export function startFakeAnthropicServer(
  options: { otherwise?: FakeResponder } = {},
): Promise<FakeModelServer> {
  return startFakeModelServer(ANTHROPIC_FORMAT, options);
}
