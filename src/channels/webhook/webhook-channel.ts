import { HOOK_SIGNATURE_HEADER, HOOK_TIMESTAMP_HEADER, signHook } from '../../contract/hook-signature.js';
import type { FetchFunction } from '../../net/guarded-fetch.js';
import { defaultGuardedFetch } from '../../net/outbound-guard.js';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../../ports/channel.js';
import { choicesOf, refuseChoices } from '../shared/choices.js';
import { retryAfterMs } from '../shared/retry-after.js';
import { notStarted, startAttempt, transportFailure } from '../shared/send-attempt.js';
import { requireHttpUrl } from '../shared/settings.js';

/** The header naming the delivery: the same on every attempt, for the receiver to deduplicate by. */
export const DELIVERY_HEADER = 'x-overture-delivery';

/** What the bot's endpoint receives: one message for it to pass on to the user (docs/CHANNELS.md). */
export interface WebhookDelivery {
  type: 'overture.delivery';
  deliveryId: string;
  suggestionId: string;
  tenantId: string;
  userId: string;
  characterId: string;
  address: string;
  /** `public` when the address is a shared place others read (a group, a server channel). */
  audience: 'private' | 'public';
  text: string;
  /** The buttons to show with the text, in order; absent when the message has none. */
  choices?: { label: string; data: string }[];
  attempt: number;
  /** When this attempt was made (ISO 8601). */
  sentAt: string;
}

interface WebhookChannelOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  now: () => Date;
  /** Every request goes through it (src/net's guarded fetch: checked addresses, no redirects). */
  fetch?: FetchFunction;
}

/** An answer's body is read for its `{ id }` up to this size; a larger one is not an id. */
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * The bot's own endpoint: a JSON POST of the message, signed as Overture signs every call
 * (`X-Overture-Signature`, HMAC-SHA256 of `"<timestamp>.<body>"`). Idempotent because receivers
 * are told to deduplicate by `X-Overture-Delivery` (docs/CHANNELS.md), so a message whose
 * outcome is unknown is sent again.
 *
 * 2xx is sent; 408, 429 and 5xx are retried (after `Retry-After`, in seconds or as a date);
 * 410 Gone says the address is no more; a redirect (not followed: it would carry the signed
 * call elsewhere) and any other 4xx are permanent.
 */
export class WebhookChannel implements ChannelAdapter {
  readonly channel = 'webhook';
  readonly idempotent = true;
  readonly #options: WebhookChannelOptions;

  constructor(options: WebhookChannelOptions) {
    requireHttpUrl(options.url, 'url');
    this.#options = options;
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendResult> {
    const choices = choicesOf(message);
    // the bot may show them on any platform: it is promised the port's limits, as every adapter keeps them
    const refused = refuseChoices(this.channel, choices);
    if (refused) return refused;
    const early = notStarted(signal);
    if (early) return early;
    const { url, secret, timeoutMs, now } = this.#options;
    const fetch = this.#options.fetch ?? defaultGuardedFetch();
    const attempt = startAttempt(signal, timeoutMs);
    const at = now();
    const delivery: WebhookDelivery = {
      type: 'overture.delivery',
      deliveryId: message.deliveryId,
      suggestionId: message.suggestionId,
      tenantId: message.tenantId,
      userId: message.userId,
      characterId: message.characterId,
      address: message.address,
      audience: message.audience,
      text: message.text,
      ...(choices.length === 0 ? {} : { choices: choices.map(({ label, data }) => ({ label, data })) }),
      attempt: message.attempt,
      sentAt: at.toISOString(),
    };
    const body = JSON.stringify(delivery);
    const timestamp = Math.floor(at.getTime() / 1000);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          [DELIVERY_HEADER]: message.deliveryId,
          [HOOK_TIMESTAMP_HEADER]: String(timestamp),
          [HOOK_SIGNATURE_HEADER]: signHook(secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: attempt.signal,
      });
    } catch (error) {
      return transportFailure(error, attempt, true);
    }

    const status = response.status;
    if (status >= 200 && status < 300) return { outcome: 'sent', externalId: await answerId(response) };
    await response.body?.cancel().catch(() => {});
    const reason = `webhook HTTP ${status}`;
    if (status === 408 || status === 429 || status >= 500)
      return {
        outcome: 'retry',
        reason,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after'), now()),
      };
    if (status >= 300 && status < 400)
      return { outcome: 'permanent', reason: `${reason} (redirects are not followed)`, unreachable: false };
    return { outcome: 'permanent', reason, unreachable: status === 410 };
  }
}

/**
 * The receiver's id for the message, from a JSON `{ "id": ... }` answer; null for any other
 * answer. The call was accepted either way, so a body that cannot be read changes nothing.
 */
async function answerId(response: Response): Promise<string | null> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) {
    await response.body?.cancel().catch(() => {});
    return null;
  }
  try {
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > MAX_ANSWER_BYTES) {
      await response.body?.cancel().catch(() => {});
      return null;
    }
    const answer: unknown = JSON.parse(await response.text());
    const id = (answer as { id?: unknown } | null)?.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  } catch {
    return null;
  }
}
