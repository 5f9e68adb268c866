import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers of a signed hook call (lower case, as Node reports them). */
export const HOOK_TIMESTAMP_HEADER = 'x-overture-timestamp';
export const HOOK_SIGNATURE_HEADER = 'x-overture-signature';

/** How far a call's timestamp may lie from the receiver's clock, either way. */
const HOOK_TOLERANCE_MS = 5 * 60_000;

const TIMESTAMP = /^\d{1,15}$/;
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * The `X-Overture-Signature` value for a call: `sha256=` and the hex HMAC-SHA256, keyed by the
 * trigger's secret, of `"<timestamp>.<raw body>"` (timestamp in Unix seconds, as sent).
 *
 * @example
 * const timestamp = Math.floor(Date.now() / 1000);
 * const headers = { 'X-Overture-Timestamp': String(timestamp), 'X-Overture-Signature': signHook(secret, timestamp, body) };
 */
export function signHook(secret: string, timestamp: number | string, rawBody: string | Uint8Array): string {
  return `sha256=${mac(secret, String(timestamp), rawBody).toString('hex')}`;
}

/** A verified call names its signature in one spelling (lower-case hex), which replays are keyed by. */
export type HookVerification = { valid: true; signature: string } | { valid: false; problem: string };

/**
 * Checks a call's headers against the secret and the receiver's clock: the signature first
 * (compared in constant time), then the timestamp's distance from `nowMs`. The problem names
 * what is wrong, for the caller's 401.
 */
export function verifyHook(
  secret: string,
  call: { timestamp: string | undefined; signature: string | undefined; rawBody: string | Uint8Array },
  nowMs: number,
): HookVerification {
  if (call.timestamp === undefined)
    return { valid: false, problem: 'missing X-Overture-Timestamp header (Unix seconds)' };
  if (!TIMESTAMP.test(call.timestamp))
    return { valid: false, problem: 'X-Overture-Timestamp must be a whole number of Unix seconds' };
  if (call.signature === undefined)
    return { valid: false, problem: 'missing X-Overture-Signature header ("sha256=<hex HMAC>")' };
  const given = SIGNATURE.exec(call.signature);
  if (!given) return { valid: false, problem: 'X-Overture-Signature must be "sha256=<64 hex digits>"' };
  const expected = mac(secret, call.timestamp, call.rawBody);
  if (!timingSafeEqual(Buffer.from(given[1]!, 'hex'), expected))
    return { valid: false, problem: 'signature does not match the timestamp and body' };
  const skewMs = Number(call.timestamp) * 1000 - nowMs;
  if (Math.abs(skewMs) > HOOK_TOLERANCE_MS)
    return {
      valid: false,
      problem: `timestamp is ${skewMs < 0 ? 'older' : 'further ahead'} than 5 minutes from the server's clock`,
    };
  return { valid: true, signature: expected.toString('hex') };
}

function mac(secret: string, timestamp: string, rawBody: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}
