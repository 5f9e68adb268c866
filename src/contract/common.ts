import { z } from 'zod';
import { canonicalLocale, canonicalTimeZone } from '../domain/shared/time-zone.js';
import { CHANNELS } from '../ports/channel.js';

/**
 * Identifiers chosen by the bot (users, characters, events): they appear in URL paths, so no
 * slash, space or percent sign.
 */
const ID_RULE = '1-128 characters: letters, digits and . _ : @ + | -';
/** A field's rule when present, and "is required" when absent. */
export const rule = (text: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : text;

/** A string of 1-`max` characters once trimmed (names, sentences, labels). */
export const Text = (max: number) =>
  z
    .string({ error: rule(`must be a string of 1-${max} characters`) })
    .trim()
    .min(1, { error: `must be a string of 1-${max} characters` })
    .max(max, { error: `must be a string of 1-${max} characters` });

export const Id = z
  .string({ error: rule(`must be a string of ${ID_RULE}`) })
  .regex(/^[A-Za-z0-9._:@+|-]{1,128}$/, { error: `must be ${ID_RULE}` });

/** A platform's id of a message (a delivery's `externalId`), as a caller reports or names it. */
export const ExternalId = z
  .string({ error: rule('must be a string of 1-256 characters') })
  .min(1, { error: 'must not be empty' })
  .max(256, { error: 'must be at most 256 characters' });

export const TimeZone = z
  .string({ error: rule('must be an IANA time zone name, e.g. Europe/Berlin') })
  .transform((value, ctx) => {
    const zone = canonicalTimeZone(value);
    if (!zone) {
      ctx.addIssue({
        code: 'custom',
        message: `must be an IANA time zone name, e.g. Europe/Berlin; got "${value}"`,
      });
      return z.NEVER;
    }
    return zone;
  })
  .meta({ description: 'IANA time zone name, e.g. Europe/Berlin', example: 'Europe/Berlin' });

export const Locale = z
  .string({ error: rule('must be a BCP 47 language tag, e.g. en-GB') })
  .max(35)
  .transform((value, ctx) => {
    const locale = canonicalLocale(value);
    if (!locale) {
      ctx.addIssue({ code: 'custom', message: `must be a BCP 47 language tag, e.g. en-GB; got "${value}"` });
      return z.NEVER;
    }
    return locale;
  })
  .meta({ description: 'BCP 47 language tag', example: 'en-GB' });

/** An instant in ISO 8601 with an explicit offset (Z or ±hh:mm): local times without one are ambiguous. */
export const Instant = z.iso
  .datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time with a UTC offset, e.g. 2026-11-23T18:00:00+01:00',
  })
  .meta({ example: '2026-11-23T18:00:00+01:00' });

const URL_RULE = 'must be an http: or https: URL of at most 2048 characters, without a user name or password';

/** A URL Overture calls: http or https only, no credentials (fetch refuses them, and they would be stored in the clear). */
export const HttpUrl = z.string({ error: rule(URL_RULE) }).superRefine((value, ctx) => {
  let url: URL | undefined;
  try {
    url = value.length <= 2048 ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
    ctx.addIssue({ code: 'custom', message: URL_RULE });
});

export const ChannelName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, {
    error: 'must be 1-32 lowercase letters, digits, _ or -, starting with a letter',
  })
  .meta({ description: `Channel name, e.g. ${CHANNELS.join(', ')}` });

/** Size of a JSON value once serialised, in bytes of UTF-8. */
export function jsonSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** A whole number of minutes from 0 to `max`. */
export const WholeMinutes = (max: number) =>
  z
    .number({ error: rule(`must be a whole number of minutes, 0 to ${max}`) })
    .int({ error: `must be a whole number of minutes, 0 to ${max}` })
    .min(0, { error: 'must be >= 0 minutes' })
    .max(max, { error: `must be <= ${max} minutes` });

/** A number from 0 to 1: a trust, a score, a share. */
export const Fraction = z
  .number({ error: rule('must be a number from 0 to 1') })
  .min(0, { error: 'must be from 0 to 1' })
  .max(1, { error: 'must be from 0 to 1' });

/** An instant as the API writes it, or null: how views show a time that may be missing. */
export const isoOrNull = (d: Date | null): string | null => d?.toISOString() ?? null;
