/**
 * Channels deliver an approved opener to a user on a platform. One adapter per platform, each
 * over the platform's real client library (src/channels/<name>/), all held to one contract
 * (src/channels/channel.contract.ts).
 */

import type { Audience } from '../domain/delivery/choose-channel.js';
import type { SendResult } from '../domain/delivery/send-result.js';

/** Channels that Overture sends on itself, with credentials configured per character. */
export const DELIVERY_CHANNELS = ['telegram', 'discord', 'slack', 'webhook'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/**
 * `stream`: Overture sends nothing itself; the message is handed to the bot over `/v1/stream`
 * (or the in-process callback), and the bot reports what became of it.
 */
export const CHANNELS = [...DELIVERY_CHANNELS, 'stream'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Channels whose platform deduplicates a resend of the same delivery id (Discord's nonce; a
 * webhook receiver by `X-Overture-Delivery`, as docs/CHANNELS.md requires). Their adapters say
 * `idempotent: true`; a delivery on any other whose outcome is unknown is never resent.
 */
export const IDEMPOTENT_CHANNELS: readonly DeliveryChannel[] = ['discord', 'webhook'];

/** One message to one user, as a delivery worker hands it to an adapter. */
export interface OutboundMessage {
  /** Stable across attempts: the idempotency key where the platform has one (Discord's nonce). */
  deliveryId: string;
  tenantId: string;
  userId: string;
  characterId: string;
  suggestionId: string;
  /** The user's address on this channel: a Telegram chat id, a Discord or Slack user id, the bot's user id for a webhook. */
  address: string;
  /**
   * `private`: the address is the user's own chat (Discord and Slack open a direct message with
   * that user id); `public`: it is a shared place others read (a Telegram group, a Discord server
   * channel, a Slack channel), posted to as it is.
   */
  audience: Audience;
  text: string;
  /** Buttons to send with the text, in order: each a label and the opaque callback data the bot forwards back when pressed (at most 64 bytes, at most 8 choices). */
  choices?: readonly { label: string; data: string }[];
  /** 1 for the first attempt. */
  attempt: number;
}

/**
 * The most choices one message carries, and the longest `data` of one in UTF-8 bytes (Telegram's
 * `callback_data` limit, the smallest of the platforms'). Every adapter refuses a message beyond
 * them as `permanent`, sending nothing, whichever channel it is (Discord adds labels of at most
 * 80 characters and distinct data: docs/CHANNELS.md).
 */
export const MAX_CHOICES = 8;
export const MAX_CHOICE_DATA_BYTES = 64;

/** What became of one attempt, as an adapter reports it (declared in the domain, which plans what it makes of it). */
export type { SendResult };

export interface ChannelAdapter {
  readonly channel: DeliveryChannel;
  /**
   * Whether sending the same `deliveryId` twice delivers it once (the platform deduplicates by an
   * idempotency key). Only then is a delivery whose outcome is unknown sent again.
   */
  readonly idempotent: boolean;
  send(message: OutboundMessage, signal: AbortSignal): Promise<SendResult>;
}

/** A delivery channel's settings as configured for a character, its token or secret opened. */
export interface OpenedChannel {
  /** Whose channel it is: the outbound rules differ per tenant. */
  tenantId: string;
  channel: DeliveryChannel;
  settings: Record<string, unknown>;
  secret: string;
}

/**
 * Builds the adapter for a character's channel (src/channels, wired in src/app). It may load its
 * client library first; a promise that rejects is a configuration mistake, like a throw.
 */
export type ChannelAdapterFactory = (opened: OpenedChannel) => ChannelAdapter | Promise<ChannelAdapter>;
