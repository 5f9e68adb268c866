import {
  ErrorCode,
  LogLevel,
  type FetchFunction as SlackFetch,
  type Logger as SlackLogger,
  type WebAPICallError,
  WebClient,
} from '@slack/web-api';
import { assertNever } from '../../domain/shared/assert-never.js';
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
import { requireHttpUrl } from '../shared/settings.js';

interface SlackChannelOptions {
  token: string;
  /** The Web API base that method names are appended to. Default: Slack's. */
  apiUrl?: string;
  timeoutMs: number;
  /** Every request goes through it (src/net's guarded fetch: checked addresses, no redirects). */
  fetch?: FetchFunction;
}

/** `ok: false` errors that mean this user cannot get a DM from this app. */
const UNREACHABLE = new Set([
  'user_not_found',
  'users_not_found',
  'cannot_dm_bot',
  'user_disabled',
  'channel_not_found',
  'is_archived',
  'messages_tab_disabled',
]);

/** Errors that mean Slack did not do it and may later: not the user's fault, nor the token's. */
const TRANSIENT = new Set(['service_unavailable', 'ratelimited', 'internal_error', 'fatal_error']);

/**
 * Slack says of these that "some aspect of the operation" may have succeeded: after
 * `chat.postMessage` the message may exist, so the outcome is unknown (before it, a retry).
 */
const MAYBE_DONE = new Set(['internal_error', 'fatal_error']);

/** The WebClient logs to the console by default; failures are ours to report, as results. */
const SILENT: SlackLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

type Step = 'open' | 'post';

/** What Slack's error codes look like (`channel_not_found`). */
const ERROR_CODE = /^[a-z0-9_.]{1,100}$/;

/**
 * Slack through `@slack/web-api`: `conversations.open({users})` for the DM channel (remembered
 * per user), then `chat.postMessage({channel, text})`, the choices as a line of text to reply
 * with. Not idempotent: Slack has no idempotency key for posting.
 *
 * The WebClient takes no abort signal per call, so each send builds a light client whose `fetch`
 * carries that send's signal. Its own retries are off (`retries: 0`: by default it retries for
 * half an hour) and a 429 is rejected with its `Retry-After` instead of paused on.
 */
export class SlackChannel implements ChannelAdapter {
  readonly channel = 'slack';
  readonly idempotent = false;
  readonly #options: SlackChannelOptions;
  /**
   * The direct-message channel opened for each user: a retry or the next message to the same user
   * posts at once instead of opening it again (one request fewer against the rate limits); losing
   * it costs only a reopen.
   */
  readonly #channels = new BoundedMap<string, string>(1000);

  constructor(options: SlackChannelOptions) {
    if (options.apiUrl !== undefined) requireHttpUrl(options.apiUrl, 'apiUrl');
    this.#options = options;
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendResult> {
    const choices = choicesOf(message);
    // their data is not sent here, but the port's limits hold on every channel alike
    const refused = refuseChoices(this.channel, choices);
    if (refused) return refused;
    const early = notStarted(signal);
    if (early) return early;
    const attempt = startAttempt(signal, this.#options.timeoutMs);
    const client = this.#client(attempt.signal);

    // a public place is posted to as it is; a user is reached in the DM channel opened for them
    const isPublic = message.audience === 'public';
    const cached = isPublic ? undefined : this.#channels.get(message.address);
    let channelId = isPublic ? message.address : cached;
    if (channelId === undefined) {
      try {
        const opened = await client.conversations.open({ users: message.address });
        channelId = opened.channel?.id;
        if (channelId === undefined)
          return {
            outcome: 'retry',
            reason: 'slack: conversations.open returned no channel',
            retryAfterMs: null,
          };
        this.#channels.set(message.address, channelId);
      } catch (error) {
        return classify(error, 'open', attempt);
      }
    }

    try {
      const posted = await client.chat.postMessage({
        channel: channelId,
        text: withChoicesAsText(message.text, choices),
      });
      return { outcome: 'sent', externalId: posted.ts ?? null };
    } catch (error) {
      if (cached !== undefined && platformErrorOf(error) === 'channel_not_found') {
        this.#channels.delete(message.address);
        return { outcome: 'retry', reason: 'slack: the cached DM channel is gone', retryAfterMs: null };
      }
      return classify(error, 'post', attempt);
    }
  }

  #client(signal: AbortSignal): WebClient {
    const fetch = this.#options.fetch ?? defaultGuardedFetch();
    const fetchWithSignal: SlackFetch = (url, init) =>
      fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    return new WebClient(this.#options.token, {
      ...(this.#options.apiUrl === undefined ? {} : { slackApiUrl: this.#options.apiUrl }),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: this.#options.timeoutMs,
      logger: SILENT,
      fetch: fetchWithSignal,
    });
  }
}

/**
 * A Slack button reports its press only to the app's interactivity endpoint, which a bot token
 * alone does not set up, so the choices are offered as words to type instead: a typed label is
 * read as the button (docs/CHANNELS.md). Labels are escaped as Slack asks of `&`, `<` and `>`,
 * so that a label is shown as written and never read as a mention or a link.
 */
function withChoicesAsText(text: string, choices: readonly Choice[]): string {
  if (choices.length === 0) return text;
  return `${text}\nReply with: ${choices.map((c) => escapeSlackText(c.label)).join(' · ')}`;
}

function escapeSlackText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function isWebApiError(error: unknown): error is WebAPICallError {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === ErrorCode.PlatformError ||
    code === ErrorCode.RateLimitedError ||
    code === ErrorCode.HTTPError ||
    code === ErrorCode.RequestError
  );
}

function platformErrorOf(error: unknown): string | null {
  return isWebApiError(error) && error.code === ErrorCode.PlatformError ? error.data.error : null;
}

function classify(error: unknown, step: Step, attempt: SendAttempt): SendFailure {
  if (!isWebApiError(error)) return transportFailure(error, attempt, step === 'post');
  switch (error.code) {
    case ErrorCode.RateLimitedError:
      return {
        outcome: 'retry',
        reason: `slack 429: rate limited on ${step === 'open' ? 'conversations.open' : 'chat.postMessage'}`,
        retryAfterMs: error.retryAfter * 1000,
      };
    case ErrorCode.HTTPError: {
      const reason = `slack HTTP ${error.statusCode}`;
      if (error.statusCode >= 500 || error.statusCode === 408)
        return { outcome: 'retry', reason, retryAfterMs: null };
      return { outcome: 'permanent', reason, unreachable: false };
    }
    case ErrorCode.RequestError:
      return transportFailure(error, attempt, step === 'post');
    case ErrorCode.PlatformError: {
      const code = error.data.error;
      // The client makes a body that is not JSON the error code; it is never quoted in a reason.
      if (!ERROR_CODE.test(code))
        return {
          outcome: 'permanent',
          reason: "slack: an answer that is not Slack's JSON",
          unreachable: false,
        };
      const reason = `slack: ${code}`;
      if (UNREACHABLE.has(code)) return { outcome: 'permanent', reason, unreachable: true };
      if (step === 'post' && MAYBE_DONE.has(code)) return { outcome: 'unknown', reason };
      if (TRANSIENT.has(code)) {
        const seconds = error.data.response_metadata?.retryAfter;
        return { outcome: 'retry', reason, retryAfterMs: seconds === undefined ? null : seconds * 1000 };
      }
      // invalid_auth, not_authed, account_inactive, token_revoked, missing_scope, msg_too_long, ...
      return { outcome: 'permanent', reason, unreachable: false };
    }
    default:
      return assertNever(error);
  }
}
