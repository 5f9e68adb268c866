import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, RateLimitError, REST, type RESTOptions } from '@discordjs/rest';
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
  RESTJSONErrorCodes,
  type RESTPostAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessageResult,
  type RESTPostAPICurrentUserCreateDMChannelJSONBody,
  type RESTPostAPICurrentUserCreateDMChannelResult,
  Routes,
} from 'discord-api-types/v10';
import { BoundedMap } from '../../domain/shared/bounded-map.js';
import type { FetchFunction } from '../../net/guarded-fetch.js';
import { defaultGuardedFetch } from '../../net/outbound-guard.js';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../../ports/channel.js';
import { type Choice, choicesOf, refuseChoices } from '../shared/choices.js';
import {
  notStarted,
  type SendAttempt,
  type SendFailure,
  startAttempt,
  transportFailure,
} from '../shared/send-attempt.js';
import { requireHttpUrl, withoutTrailingSlash } from '../shared/settings.js';

interface DiscordChannelOptions {
  token: string;
  /** The API base without the version. Default: Discord's. */
  apiBase?: string;
  timeoutMs: number;
  /** Every request goes through it (src/net's guarded fetch: checked addresses, no redirects). */
  fetch?: FetchFunction;
}

/** Discord's longest nonce. */
export const DISCORD_NONCE_LENGTH = 25;

/**
 * The nonce of a delivery: the first 25 characters of the base64url SHA-256 of its id (150 bits),
 * the same on every attempt, so Discord returns the first message instead of posting another.
 */
export function discordNonce(deliveryId: string): string {
  return createHash('sha256').update(deliveryId).digest('base64url').slice(0, DISCORD_NONCE_LENGTH);
}

/** Refusals that mean this user cannot be written to by this bot. */
const UNREACHABLE_CODES = new Set<number>([
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds,
  RESTJSONErrorCodes.UnknownUser,
  RESTJSONErrorCodes.UnknownChannel,
]);

type Step = 'open' | 'post';

/** Discord's limits on a button: its label's length, and how many share one action row. */
const MAX_BUTTON_LABEL = 80;
const BUTTONS_PER_ROW = 5;

/**
 * Discord through `@discordjs/rest`: opens (or reuses) the DM channel with the user
 * (`POST /users/@me/channels`), then posts the message (its choices as buttons) with a nonce
 * derived from the delivery id and `enforce_nonce`, which makes a resend within Discord's window
 * return the first message: idempotent.
 *
 * The client is configured to report instead of wait: no retries of its own (`retries: 0`), a 429
 * rejected at once (`rejectOnRateLimit`) with its exact `Retry-After` (`offset: 0`), and a
 * `timeout`; otherwise it would sleep through rate limits and retry 5xx inside the worker's lease.
 */
export class DiscordChannel implements ChannelAdapter {
  readonly channel = 'discord';
  readonly idempotent = true;
  readonly #rest: REST;
  readonly #token: string;
  readonly #timeoutMs: number;
  /**
   * The direct-message channel opened for each user: a retry or the next message to the same user
   * posts at once instead of opening it again (one request fewer against the rate limits); losing
   * it costs only a reopen.
   */
  readonly #channels = new BoundedMap<string, string>(1000);

  constructor(options: DiscordChannelOptions) {
    const apiBase = options.apiBase === undefined ? undefined : withoutTrailingSlash(options.apiBase);
    if (apiBase !== undefined) requireHttpUrl(apiBase, 'apiBase');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs;
    this.#rest = new REST({
      ...(apiBase === undefined ? {} : { api: apiBase }),
      version: '10',
      retries: 0,
      rejectOnRateLimit: () => true,
      offset: 0,
      timeout: options.timeoutMs,
      // By default the client calls undici's `request` with no address check; every request goes
      // through the guarded fetch instead (its answer is the `ResponseLike` the client reads).
      makeRequest: (options.fetch ?? defaultGuardedFetch()) as unknown as RESTOptions['makeRequest'],
    });
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendResult> {
    const choices = choicesOf(message);
    // before the DM opening too: a message Discord would refuse (50035) needs no channel
    const refused = refuseChoices(this.channel, choices, {
      maxLabelLength: MAX_BUTTON_LABEL,
      distinctData: true,
    });
    if (refused) return refused;
    const early = notStarted(signal);
    if (early) return early;
    const attempt = startAttempt(signal, this.#timeoutMs);
    // The client forgets its token after a 401; set it for every send so each is judged afresh.
    this.#rest.setToken(this.#token);

    // a public place is posted to as it is; a user is reached in the DM channel opened for them
    const isPublic = message.audience === 'public';
    const cached = isPublic ? undefined : this.#channels.get(message.address);
    let channelId = isPublic ? message.address : cached;
    if (channelId === undefined) {
      try {
        const body: RESTPostAPICurrentUserCreateDMChannelJSONBody = { recipient_id: message.address };
        const dm = (await this.#rest.post(Routes.userChannels(), {
          body,
          signal: attempt.signal,
        })) as RESTPostAPICurrentUserCreateDMChannelResult;
        channelId = dm.id;
        this.#channels.set(message.address, channelId);
      } catch (error) {
        return classify(error, 'open', attempt);
      }
    }

    try {
      const body: RESTPostAPIChannelMessageJSONBody = {
        content: message.text,
        nonce: discordNonce(message.deliveryId),
        enforce_nonce: true,
        ...(choices.length === 0 ? {} : { components: buttonRows(choices) }),
      };
      const posted = (await this.#rest.post(Routes.channelMessages(channelId), {
        body,
        signal: attempt.signal,
      })) as RESTPostAPIChannelMessageResult;
      return { outcome: 'sent', externalId: posted.id };
    } catch (error) {
      if (
        cached !== undefined &&
        error instanceof DiscordAPIError &&
        error.code === RESTJSONErrorCodes.UnknownChannel
      ) {
        // A channel remembered from earlier that Discord no longer knows: open it afresh next time.
        this.#channels.delete(message.address);
        return { outcome: 'retry', reason: 'discord: the cached DM channel is gone', retryAfterMs: null };
      }
      return classify(error, 'post', attempt);
    }
  }
}

/**
 * The choices as buttons (`custom_id` = data), in order, five to an action row. All take one
 * style: the port ranks no choice above another.
 */
function buttonRows(choices: readonly Choice[]): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (let i = 0; i < choices.length; i += BUTTONS_PER_ROW)
    rows.push({
      type: ComponentType.ActionRow,
      components: choices.slice(i, i + BUTTONS_PER_ROW).map((c) => ({
        type: ComponentType.Button,
        style: ButtonStyle.Primary,
        label: c.label,
        custom_id: c.data,
      })),
    });
  return rows;
}

/**
 * What one failed request means. A failure while opening the DM channel sent nothing, so
 * connection trouble there is a `retry`; a refusal there is about the recipient (an unknown or
 * malformed user id), so every 4xx but 401 makes the address unreachable.
 */
function classify(error: unknown, step: Step, attempt: SendAttempt): SendFailure {
  if (error instanceof RateLimitError) {
    // `retryAfter` is the 429's Retry-After; on a limit the client foresaw (no request sent), the time to reset.
    const wait = error.retryAfter > 0 ? error.retryAfter : error.timeToReset;
    return {
      outcome: 'retry',
      reason: `discord 429: rate limited on ${error.route}${error.global ? ' (global)' : ''}`,
      retryAfterMs: wait > 0 ? Math.ceil(wait) : null,
    };
  }
  if (error instanceof HTTPError)
    return { outcome: 'retry', reason: `discord ${error.status}: ${error.message}`, retryAfterMs: null };
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : null;
    const reason = `discord ${error.status}${code === null ? '' : ` (${code})`}: ${error.message}`;
    if (error.status === 401) return { outcome: 'permanent', reason, unreachable: false };
    const unreachable =
      (code !== null && UNREACHABLE_CODES.has(code)) || error.status === 404 || step === 'open';
    return { outcome: 'permanent', reason, unreachable };
  }
  return transportFailure(error, attempt, step === 'post');
}
