import { OvertureError } from '../../contract/errors.js';
import type { SecretBox } from '../../storage/codecs/secret-box.js';
import type { EngineContext } from './resources.js';

/**
 * The server's secret box, or a 409 naming the field that cannot be stored without it: a secret
 * is never written in the clear.
 */
export function requireSecrets(ctx: EngineContext, field: string): SecretBox {
  if (ctx.secrets) return ctx.secrets;
  const rule =
    'cannot be stored: this server has no OVERTURE_SECRET_KEY (32 bytes as 64 hex digits or 44 base64 characters, e.g. `openssl rand -base64 32`); set it and restart';
  throw new OvertureError('conflict', `${field}: ${rule}`, [{ path: field, field, rule }]);
}
