import { afterEach, describe, expect, it } from 'vitest';
import type { FakeModelServer } from './fake-model-server.js';
import { startFakeOpenAiServer } from './fake-openai-server.js';

const post = (url: string, body: unknown) =>
  fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify(body) });

describe('fake model server', () => {
  let fake: FakeModelServer | undefined;
  afterEach(async () => {
    await fake?.close();
  });

  it('closes at once while a delayed answer is still pending, failing the waiting client', async () => {
    fake = await startFakeOpenAiServer();
    fake.script({ object: { message: 'late' }, delayMs: 600_000 });
    const pending = post(fake.url, { model: 'm' });
    while (fake.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await fake.close();
    await expect(pending).rejects.toThrow();
  });

  it('answers from the scripted queue first, then from the standing responder', async () => {
    fake = await startFakeOpenAiServer({
      otherwise: () => ({ status: 503, headers: { 'retry-after': '1' } }),
    });
    fake.script({ text: 'first' });
    const first = (await (await post(fake.url, { model: 'm' })).json()) as {
      choices: { message: { content: string } }[];
    };
    expect(first.choices[0]!.message.content).toBe('first');
    const second = await post(fake.url, { model: 'm' });
    expect([second.status, second.headers.get('retry-after')]).toEqual([503, '1']);
  });

  it('records the JSON schema the client asked for, and answers 404 off its route', async () => {
    fake = await startFakeOpenAiServer();
    fake.script({ object: { answer: 'yes' } });
    const schema = { type: 'object', properties: { answer: { enum: ['yes', 'no'] } } };
    await post(fake.url, { model: 'm', response_format: { type: 'json_schema', json_schema: { schema } } });
    expect(fake.requests[0]!.schema).toEqual(schema);
    expect((await fetch(`${fake.url}/models`)).status).toBe(404);
  });
});
