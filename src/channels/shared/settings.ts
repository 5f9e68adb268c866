import type { FetchFunction } from '../../net/guarded-fetch.js';

/**
 * How to reach one delivery channel, as stored per character (docs/CHANNELS.md). The base URLs
 * default to the platforms' own and point elsewhere for a self-hosted server or a test fake.
 */
export type ChannelSettings =
  | {
      channel: 'telegram';
      /** The bot token from BotFather. */
      token: string;
      /** The Bot API server, e.g. a self-hosted `telegram-bot-api`; no trailing path. */
      apiRoot?: string;
    }
  | {
      channel: 'discord';
      /** The bot token (sent as `Authorization: Bot <token>`). */
      token: string;
      /** The API base without the version, e.g. `http://127.0.0.1:8080/api`. */
      apiBase?: string;
    }
  | {
      channel: 'slack';
      /** A bot token (`xoxb-...`) with `chat:write` and `im:write`. */
      token: string;
      /** The Web API base that method names are appended to. */
      apiUrl?: string;
    }
  | {
      channel: 'webhook';
      /** The bot's endpoint that receives each message as a signed JSON POST. */
      url: string;
      /** Keys the HMAC-SHA256 signature of each call. */
      secret: string;
    };

/** What every adapter is built with besides its settings. */
export interface ChannelOptions {
  /** How long one send may take in all, every request it makes included. */
  timeoutMs: number;
  /** Timestamps (the webhook's signature) and HTTP-date `Retry-After` values are read against this. */
  now: () => Date;
  /**
   * Every request of the adapter goes through this fetch. The engine gives each tenant's adapters
   * that tenant's guarded fetch (src/net); by default a trusted one, which still refuses
   * link-local and metadata addresses and never follows a redirect.
   */
  fetch?: FetchFunction;
}

/** Throws when `value` is not an http: or https: URL: a configuration mistake, found when the adapter is built. */
export function requireHttpUrl(value: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${setting} must be an absolute http: or https: URL, not ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${setting} must be an http: or https: URL, not ${url.protocol}`);
  return url;
}

/** A base URL without its trailing slashes (grammY refuses one; the others would double it). */
export function withoutTrailingSlash(value: string): string {
  return value.replace(/\/+$/, '');
}
