import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const SECRET_KEY = randomBytes(32).toString('base64');
const OPENAI = { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'llama3.1:8b' };

describe.each(BACKENDS)('LLM provider settings on %s', (backend) => {
  let t: TestServer;
  afterEach(async () => {
    await t.close();
  });
  const start = async (config: object = { secretKey: SECRET_KEY }) => {
    t = await startTestServer(backend, config);
    const res = await t.request({ method: 'PUT', url: '/v1/characters/luna', payload: { name: 'Luna' } });
    expect(res.status).toBe(201);
  };
  const put = (payload: object, url = '/v1/llm-provider') => t.request({ method: 'PUT', url, payload });
  const get = (url = '/v1/llm-provider') => t.request({ method: 'GET', url });
  const stored = () => t.server.engine.database.db.selectFrom('llm_providers').selectAll().execute();

  it('stores a provider for the tenant, with its key sealed and never shown', async () => {
    await start();
    expect((await get()).status).toBe(404);
    const res = await put({ ...OPENAI, apiKey: 'sk-local-secret-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      characterId: null,
      kind: 'openai-compatible',
      baseUrl: OPENAI.baseUrl,
      model: OPENAI.model,
      timeoutMs: 10_000,
      temperature: null,
      maxOutputTokens: 400,
      structuredOutputs: true,
      hasApiKey: true,
    });
    expect(JSON.stringify(res.body)).not.toContain('sk-local-secret-1');
    const got = await get();
    expect(got.body).toEqual(res.body);
    const [row] = await stored();
    expect(row!.api_key_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain('sk-local-secret-1');
    // the engine can open it again
    const { resolveLlmProvider } = await import('../src/engine/compose/llm-providers.js');
    const resolved = await resolveLlmProvider(t.server.engine.context, 'default', 'luna');
    expect(resolved.settings).toMatchObject({ kind: 'openai-compatible', apiKey: 'sk-local-secret-1' });
  });

  it('keeps the stored key when a PUT leaves it out, and removes it on null', async () => {
    await start();
    await put({ ...OPENAI, apiKey: 'sk-1' });
    const [before] = await stored();
    const res = await put({ ...OPENAI, model: 'qwen2.5:7b' });
    expect(res.body).toMatchObject({ model: 'qwen2.5:7b', hasApiKey: true });
    const [after] = await stored();
    expect(after!.api_key_sealed).toBe(before!.api_key_sealed);
    expect((await put({ ...OPENAI, apiKey: null })).body.hasApiKey).toBe(false);
    expect((await stored())[0]!.api_key_sealed).toBeNull();
  });

  it('does not carry a key over to another kind of provider', async () => {
    await start();
    await put({ ...OPENAI, apiKey: 'sk-openai' });
    const res = await put({ kind: 'anthropic', model: 'claude-x' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([
      expect.objectContaining({ path: 'apiKey', rule: 'is required for an anthropic provider' }),
    ]);
    const ok = await put({ kind: 'anthropic', model: 'claude-x', apiKey: 'sk-ant' });
    expect(ok.body).toMatchObject({ kind: 'anthropic', baseUrl: null, hasApiKey: true });
  });

  it("lets a character have its own, or the template, over the tenant's", async () => {
    await start();
    await put({ ...OPENAI, apiKey: 'sk-tenant' });
    const res = await put({ kind: 'template' }, '/v1/characters/luna/llm-provider');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ characterId: 'luna', kind: 'template', hasApiKey: false });
    const { resolveLlmProvider } = await import('../src/engine/compose/llm-providers.js');
    expect((await resolveLlmProvider(t.server.engine.context, 'default', 'luna')).settings).toBeNull();
    expect((await resolveLlmProvider(t.server.engine.context, 'default', 'max')).settings).toMatchObject({
      apiKey: 'sk-tenant',
    });
    expect((await t.request({ method: 'DELETE', url: '/v1/characters/luna/llm-provider' })).status).toBe(204);
    expect((await resolveLlmProvider(t.server.engine.context, 'default', 'luna')).settings).toMatchObject({
      apiKey: 'sk-tenant',
    });
    expect((await get('/v1/characters/luna/llm-provider')).status).toBe(404);
    expect((await t.request({ method: 'DELETE', url: '/v1/characters/luna/llm-provider' })).status).toBe(404);
  });

  it('answers 404 for an unknown character and writes nothing', async () => {
    await start();
    const res = await put(OPENAI, '/v1/characters/nobody/llm-provider');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('character "nobody"');
    expect(await stored()).toEqual([]);
  });

  it('names the field and the rule of bad input', async () => {
    await start();
    const cases: [object, string, RegExp][] = [
      [{ kind: 'gpt' }, 'kind', /one of template, openai-compatible, anthropic/],
      [{ ...OPENAI, baseUrl: 'ftp://x' }, 'baseUrl', /http:\/\/ or https:\/\//],
      [{ ...OPENAI, model: '' }, 'model', /model id/],
      [{ ...OPENAI, timeoutMs: 5 }, 'timeoutMs', /100 to 60000/],
      [{ ...OPENAI, temperature: 3 }, 'temperature', /0 to 2/],
      [{ ...OPENAI, maxOutputTokens: 1.5 }, 'maxOutputTokens', /whole number/],
      [{ ...OPENAI, apiKey: '' }, 'apiKey', /1-4096 characters/],
      [{ ...OPENAI, extra: 1 }, '', /extra/],
    ];
    for (const [payload, path, rule] of cases) {
      const res = await put(payload);
      expect(res.status, JSON.stringify(payload)).toBe(400);
      const issue = res.body.error.issues[0];
      if (path) expect(issue.path).toBe(path);
      expect(`${issue.rule} ${res.body.error.message}`).toMatch(rule);
    }
    expect(await stored()).toEqual([]);
  });

  it('refuses to store a key without OVERTURE_SECRET_KEY, naming it', async () => {
    await start({});
    const res = await put({ ...OPENAI, apiKey: 'sk-1' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('OVERTURE_SECRET_KEY');
    expect(res.body.error.issues[0].path).toBe('apiKey');
    expect(await stored()).toEqual([]);
    // a local server without a key needs no secret key
    expect((await put(OPENAI)).status).toBe(200);
  });

  it('records changes in the audit log without the key', async () => {
    await start();
    await put({ ...OPENAI, apiKey: 'sk-audited' });
    await t.request({ method: 'DELETE', url: '/v1/llm-provider' });
    const audit = await t.request({ method: 'GET', url: '/v1/audit' });
    const entries = audit.body.entries.filter((e: { action: string }) => e.action.startsWith('llm_provider'));
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'llm_provider.saved',
      'llm_provider.removed',
    ]);
    expect(entries[0].detail).toMatchObject({ model: OPENAI.model, hasApiKey: true, apiKeyChanged: true });
    expect(JSON.stringify(audit.body)).not.toContain('sk-audited');
  });
});
