import type { FastifyRequest } from 'fastify';

/** Query parameters whose values are credentials, matched in their (decoded) name, any case. */
const CREDENTIAL =
  /token|key|secret|passw|pwd|signature|^sig$|auth|credential|session|cookie|jwt|bearer|otp|nonce/i;

/**
 * The URL with the value of every credential-like query parameter replaced by `[redacted]`
 * (`?api_key=`, `?token=`, `?signature=`...): keys sent in a query string must not reach the log.
 * The rest of the URL is kept as it came.
 */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return CREDENTIAL.test(decodedName(name)) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, at + 1)}${query.join('&')}`;
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** Fastify's request serializer, with credential-like query parameters redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
