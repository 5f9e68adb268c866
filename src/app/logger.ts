import { type DestinationStream, pino } from 'pino';
import type { Config } from '../config/config.js';

/**
 * The process logger: JSON lines on stdout (or `destination`); keys and authorization headers are
 * never written (and the API's request serializer redacts credentials in query strings).
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream) {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'overture' },
      redact: { paths: ['req.headers.authorization', 'key', 'adminKey', '*.key'], censor: '[redacted]' },
    },
    destination,
  );
}
