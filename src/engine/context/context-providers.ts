import type { ContextProvider, ContextQuery, UserContext } from '../../ports/context-provider.js';
import type { Logger } from '../../ports/logger.js';
import type { SecretBox } from '../../storage/codecs/secret-box.js';
import { findContextProvider } from '../../storage/context-provider.repository.js';
import type { Db } from '../../storage/schema.js';
import type { ContextProviderSource, EngineContext } from '../kernel/resources.js';
import { createBuiltinContextProvider } from './builtin-context.js';

/** A character's callback, its secret opened. */
interface ContextCallbackSettings {
  /** Whose callback it is: the outbound rules differ per tenant. */
  tenantId: string;
  url: string;
  secret: string;
  timeoutMs: number;
}

/** Builds the provider that calls a bot's memory (src/context), falling back to `fallback`. */
type CallbackProviderFactory = (
  settings: ContextCallbackSettings,
  fallback: ContextProvider,
) => ContextProvider;

/** How long another instance's change of a callback may go unseen; this instance's are seen at once. */
const FRESH_MS = 1000;
/** Past this many cached characters the cache starts over: it holds what is in use, not every character. */
const MAX_ENTRIES = 10_000;

/** The associated data a callback's secret is sealed with: a value copied to another row does not open. */
export const callbackSecretContext = (tenantId: string, characterId: string) =>
  `context-provider/${tenantId}/${characterId}`;

/**
 * Which context provider each character uses: its callback when one is configured, else the
 * built-in store. The choice is kept per character for at most a second (freshness on the
 * process's monotonic clock, as the trigger cache's), and forgotten at once when this instance
 * changes it. A callback whose secret cannot be opened (no `OVERTURE_SECRET_KEY`, or another
 * key than the one it was sealed under) is not called: the built-in store answers, with why.
 */
export class ContextProviders implements ContextProviderSource {
  readonly builtin: ContextProvider;
  readonly #entries = new Map<string, { loadedAt: number; provider: Promise<ContextProvider> }>();

  constructor(
    private readonly deps: {
      db: Db;
      secrets: SecretBox | null;
      callback: CallbackProviderFactory;
      logger?: Logger;
    },
  ) {
    this.builtin = createBuiltinContextProvider(deps.db);
  }

  forCharacter(tenantId: string, characterId: string): Promise<ContextProvider> {
    const key = `${tenantId}/${characterId}`;
    const hit = this.#entries.get(key);
    if (hit && performance.now() - hit.loadedAt < FRESH_MS) return hit.provider;
    const provider = this.#resolve(tenantId, characterId);
    provider.catch(() => this.#entries.delete(key));
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { loadedAt: performance.now(), provider });
    return provider;
  }

  /** Forgets a character's choice (this instance changed its callback). */
  invalidate(tenantId: string, characterId: string): void {
    this.#entries.delete(`${tenantId}/${characterId}`);
  }

  async #resolve(tenantId: string, characterId: string): Promise<ContextProvider> {
    const record = await findContextProvider(this.deps.db, tenantId, characterId);
    if (!record) return this.builtin;
    const { secrets } = this.deps;
    if (!secrets)
      return this.#builtinBecause(
        "OVERTURE_SECRET_KEY is not set, so the callback's sealed secret cannot be opened",
      );
    let secret: string;
    try {
      secret = secrets.open(record.secretSealed, callbackSecretContext(tenantId, characterId));
    } catch (error) {
      return this.#builtinBecause(`the callback's secret cannot be opened: ${(error as Error).message}`);
    }
    try {
      const settings = { tenantId, url: record.url, secret, timeoutMs: record.timeoutMs };
      return this.deps.callback(settings, this.builtin);
    } catch (error) {
      // a row written around the API's rules (a URL it would refuse) is a callback that fails
      return this.#builtinBecause(`the callback cannot be used: ${(error as Error).message}`);
    }
  }

  #builtinBecause(reason: string): ContextProvider {
    return {
      load: async (query, options) => {
        this.deps.logger?.warn(
          { tenantId: query.tenantId, characterId: query.characterId, reason },
          'context callback not called; using the built-in store',
        );
        return { ...(await this.builtin.load(query, options)), fallbackReason: reason };
      },
    };
  }
}

/** The context provider the character uses now: its callback, or the built-in store. */
function contextProviderFor(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
): Promise<ContextProvider> {
  return ctx.contextProviders.forCharacter(tenantId, characterId);
}

/** What the engine knows of the user as the character sees it, from wherever the character keeps it. */
export async function loadUserContext(
  ctx: EngineContext,
  query: ContextQuery,
  options: { signal: AbortSignal },
): Promise<UserContext> {
  const provider = await contextProviderFor(ctx, query.tenantId, query.characterId);
  return provider.load(query, options);
}
