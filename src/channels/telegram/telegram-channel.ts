import { Api, GrammyError } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { FetchFunction } from '../../net/guarded-fetch.js';
import { defaultGuardedFetch } from '../../net/outbound-guard.js';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../../ports/channel.js';
import { type Choice, choicesOf, refuseChoices } from '../shared/choices.js';
import { notStarted, type SendFailure, startAttempt, transportFailure } from '../shared/send-attempt.js';
import { requireHttpUrl, withoutTrailingSlash } from '../shared/settings.js';

interface TelegramChannelOptions {
  token: string;
  /** Default: Telegram's Bot API. */
  apiRoot?: string;
  timeoutMs: number;
  /** Every call goes through it (src/net's guarded fetch: checked addresses, no redirects). */
  fetch?: FetchFunction;
}

type ApiClientFetch = NonNullable<NonNullable<ConstructorParameters<typeof Api>[1]>['fetch']>;

/** 400 descriptions that say the chat itself cannot be reached, not that the message is wrong. */
const UNREACHABLE_400 =
  /chat not found|user not found|peer_id_invalid|have no rights to send|not enough rights to send/i;

/**
 * Telegram through grammY's `Api`: `sendMessage(chat_id = address, text)`, with the choices as an
 * inline keyboard when there are any. Not idempotent: the Bot API has no idempotency key, so a
 * lost answer stays `unknown`.
 */
export class TelegramChannel implements ChannelAdapter {
  readonly channel = 'telegram';
  readonly idempotent = false;
  readonly #api: Api;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(options: TelegramChannelOptions) {
    const apiRoot = options.apiRoot === undefined ? undefined : withoutTrailingSlash(options.apiRoot);
    if (apiRoot !== undefined) requireHttpUrl(apiRoot, 'apiRoot');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs;
    this.#api = new Api(options.token, {
      ...(apiRoot === undefined ? {} : { apiRoot }),
      // Our own deadline (passed as the signal) ends the call; grammY's timer, a second later,
      // is only a backstop. grammY itself never retries.
      timeoutSeconds: options.timeoutMs / 1000 + 1,
      // grammY's own fetch (node-fetch) follows redirects and calls any address; it types `fetch`
      // as node-fetch's, whose calls (a URL string, a JSON body, a signal) the guarded one serves.
      fetch: (options.fetch ?? defaultGuardedFetch()) as unknown as ApiClientFetch,
    });
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendResult> {
    const choices = choicesOf(message);
    // callback_data is 1 to 64 bytes: the port's own limit, checked here instead of by a 400
    const refused = refuseChoices(this.channel, choices);
    if (refused) return refused;
    const early = notStarted(signal);
    if (early) return early;
    const attempt = startAttempt(signal, this.#timeoutMs);
    try {
      const sent = await this.#api.sendMessage(
        message.address,
        message.text,
        choices.length === 0 ? undefined : { reply_markup: inlineKeyboard(choices) },
        // grammY types its signal as the `abort-controller` package's; it only calls addEventListener.
        attempt.signal as Parameters<Api['sendMessage']>[3],
      );
      return { outcome: 'sent', externalId: String(sent.message_id) };
    } catch (error) {
      const result =
        error instanceof GrammyError ? classifyBotApiError(error) : transportFailure(error, attempt, true);
      // The token is part of every Bot API URL: make sure no reason carries it into storage or logs.
      return { ...result, reason: result.reason.replaceAll(this.#token, '<token>') };
    }
  }
}

/**
 * One button a row, in the order given: labels keep their full width (a row of several truncates
 * them on a phone) and the order reads top to bottom.
 */
function inlineKeyboard(choices: readonly Choice[]): InlineKeyboardMarkup {
  return { inline_keyboard: choices.map((c) => [{ text: c.label, callback_data: c.data }]) };
}

/** The Bot API's own refusal (`ok: false`), by `error_code` and `description`. */
function classifyBotApiError(error: GrammyError): SendFailure {
  const code = error.error_code;
  const reason = `telegram ${code}: ${error.description}`;
  if (code === 429) {
    const seconds = error.parameters.retry_after;
    return { outcome: 'retry', reason, retryAfterMs: typeof seconds === 'number' ? seconds * 1000 : null };
  }
  if (code >= 500) return { outcome: 'retry', reason, retryAfterMs: null };
  // Blocked by the user, user deactivated, kicked from the group: the chat is closed to the bot.
  if (code === 403) return { outcome: 'permanent', reason, unreachable: true };
  if (code === 400) {
    // A group that became a supergroup has a new chat id: this address will not work again.
    const moved = error.parameters.migrate_to_chat_id;
    if (moved !== undefined)
      return { outcome: 'permanent', reason: `${reason} (now chat ${moved})`, unreachable: true };
    return { outcome: 'permanent', reason, unreachable: UNREACHABLE_400.test(error.description) };
  }
  // 401 (a wrong token), 404 (a malformed one), 409 and the rest: the bot's fault, not the user's.
  return { outcome: 'permanent', reason, unreachable: false };
}
