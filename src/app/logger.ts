import { pino } from 'pino';
import type { Config } from '../config/config.js';

/** The process logger: JSON lines on stdout; keys and authorization headers are never written. */
export function createLogger(config: Pick<Config, 'logLevel'>) {
  return pino({
    level: config.logLevel,
    base: { service: 'overture' },
    redact: { paths: ['req.headers.authorization', 'key', 'adminKey', '*.key'], censor: '[redacted]' },
  });
}
