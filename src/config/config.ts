import { z } from 'zod';
import { parseSecretKey } from '../storage/codecs/secret-box.js';

/**
 * Every setting of the engine, in one schema. `createEngine` and `createServer` take this shape;
 * `loadConfig(process.env)` builds it from the environment and is the only reader of `process.env`.
 */
export const ConfigSchema = z.object({
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** Directory of the embedded PGlite database; `memory://` keeps it in memory only. */
  dataDir: z.string().min(1).default('./.overture'),
  /** Connections per engine instance when on PostgreSQL (PGlite always uses exactly one). */
  poolSize: z.number().int().min(1).max(200).default(10),
  /**
   * How long opening a database session, or waiting for a free pooled connection, may take, in
   * ms; past it the request is answered 503 (PostgreSQL; PGlite is in process).
   */
  databaseConnectTimeoutMs: z.number().int().min(100).max(600_000).default(5_000),
  /**
   * The longest a statement may run, in ms: the server cancels it (`statement_timeout`), and one
   * with no answer 2 s after that (a frozen server, a partition) is given up and its connection
   * dropped; the request is answered 503. 0: no bound. Migrations are not bounded (PostgreSQL only).
   */
  databaseStatementTimeoutMs: z.number().int().min(0).max(3_600_000).default(10_000),
  port: z.number().int().min(0).max(65535).default(8787),
  host: z.string().min(1).default('127.0.0.1'),
  /** When set, this key is the default tenant's admin key (created if missing) instead of a random one. */
  adminKey: z
    .string()
    .min(16, 'must be at least 16 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest accepted request body, in bytes. */
  bodyLimit: z
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Apply pending migrations when the engine opens its database. */
  migrate: z.boolean().default(true),
  /** Half-life of a user's activity habits, in days: older events fade by half every half-life. */
  activityHalfLifeDays: z.number().min(1).max(365).default(21),
  /** Grace period on shutdown for in-flight requests and messages being sent, in milliseconds. */
  shutdownTimeoutMs: z.number().int().min(0).default(10_000),
  /** Run the scheduler in this instance (deciding due pairs); off: this instance only serves the API. */
  scheduler: z.boolean().default(true),
  /** How often an idle scheduler looks for due pairs, in milliseconds (event triggers wake it at once). */
  schedulerIntervalMs: z.number().int().min(10).max(60_000).default(500),
  /** Pairs claimed and decided per batch. */
  schedulerBatchSize: z.number().int().min(1).max(10_000).default(500),
  /** How long a claim lasts: a crashed instance's pairs are due again after it, in milliseconds. */
  schedulerLeaseMs: z.number().int().min(1000).max(3_600_000).default(60_000),
  /** Compose suggestions in this instance (the drafting worker); off: it only decides or serves. */
  drafting: z.boolean().default(true),
  /** Suggestions this instance composes at once (a model call mostly waits on the network). */
  composeConcurrency: z.number().int().min(1).max(64).default(4),
  /** Send approved messages from this instance (the delivery worker); off: it only decides, composes or serves. */
  delivery: z.boolean().default(true),
  /** Messages this instance sends at once. */
  deliveryConcurrency: z.number().int().min(1).max(64).default(4),
  /** Attempts per message before it is `failed` (retryable failures only; permanent ones fail at once). */
  deliveryMaxAttempts: z.number().int().min(1).max(50).default(6),
  /** The wait before the second attempt, in milliseconds; it doubles per attempt, with jitter. */
  deliveryBackoffMs: z.number().int().min(100).max(3_600_000).default(30_000),
  /** No wait between attempts is longer, in milliseconds. */
  deliveryBackoffMaxMs: z.number().int().min(1000).max(86_400_000).default(3_600_000),
  /** How long one call to a platform may take before its outcome counts as unknown, in milliseconds. */
  deliveryTimeoutMs: z.number().int().min(100).max(120_000).default(15_000),
  /** Stored decisions are deleted after this many days (the scheduler does it, a chunk at a time). */
  decisionRetentionDays: z.number().int().min(1).max(3650).default(30),
  /** How long a `/v1/stream` client without an Authorization header has to send its auth message, in ms. */
  streamAuthTimeoutMs: z.number().int().min(1).max(60_000).default(5_000),
  /** How often `/v1/stream` pings its clients, in ms; one that has not answered the last ping is cut. */
  streamHeartbeatMs: z.number().int().min(10).max(600_000).default(30_000),
  /** Bytes a `/v1/stream` client may leave unread before it is closed (1013) instead of buffered further. */
  streamMaxBufferedBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(1024 * 1024),
  /**
   * Encrypts stored secrets (provider keys, channel tokens): 32 bytes as 64 hex digits or 44 base64
   * characters. Without it, no secret can be stored.
   */
  secretKey: z
    .string()
    .refine((v) => {
      try {
        parseSecretKey(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be 32 bytes, as 64 hex digits or 44 base64 characters (e.g. `openssl rand -base64 32`)')
    .optional(),
  /**
   * For tests only: the engine's clock reads the instant in this file (a `FileClock`), so a test
   * can move the time of several processes at once.
   */
  testClockFile: z.string().min(1).optional(),
});

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Environment variable for each setting; the error for a bad value names the variable. */
const ENV_NAMES = {
  databaseUrl: 'DATABASE_URL',
  dataDir: 'OVERTURE_DATA_DIR',
  poolSize: 'OVERTURE_POOL_SIZE',
  databaseConnectTimeoutMs: 'OVERTURE_DATABASE_CONNECT_TIMEOUT_MS',
  databaseStatementTimeoutMs: 'OVERTURE_DATABASE_STATEMENT_TIMEOUT_MS',
  port: 'PORT',
  host: 'HOST',
  adminKey: 'OVERTURE_ADMIN_KEY',
  logLevel: 'LOG_LEVEL',
  bodyLimit: 'OVERTURE_BODY_LIMIT',
  migrate: 'OVERTURE_MIGRATE',
  shutdownTimeoutMs: 'OVERTURE_SHUTDOWN_TIMEOUT_MS',
  activityHalfLifeDays: 'OVERTURE_ACTIVITY_HALF_LIFE_DAYS',
  scheduler: 'OVERTURE_SCHEDULER',
  schedulerIntervalMs: 'OVERTURE_SCHEDULER_INTERVAL_MS',
  schedulerBatchSize: 'OVERTURE_SCHEDULER_BATCH_SIZE',
  schedulerLeaseMs: 'OVERTURE_SCHEDULER_LEASE_MS',
  decisionRetentionDays: 'OVERTURE_DECISION_RETENTION_DAYS',
  drafting: 'OVERTURE_DRAFTING',
  composeConcurrency: 'OVERTURE_COMPOSE_CONCURRENCY',
  secretKey: 'OVERTURE_SECRET_KEY',
  delivery: 'OVERTURE_DELIVERY',
  deliveryConcurrency: 'OVERTURE_DELIVERY_CONCURRENCY',
  deliveryMaxAttempts: 'OVERTURE_DELIVERY_MAX_ATTEMPTS',
  deliveryBackoffMs: 'OVERTURE_DELIVERY_BACKOFF_MS',
  deliveryBackoffMaxMs: 'OVERTURE_DELIVERY_BACKOFF_MAX_MS',
  deliveryTimeoutMs: 'OVERTURE_DELIVERY_TIMEOUT_MS',
  streamAuthTimeoutMs: 'OVERTURE_STREAM_AUTH_TIMEOUT_MS',
  streamHeartbeatMs: 'OVERTURE_STREAM_HEARTBEAT_MS',
  streamMaxBufferedBytes: 'OVERTURE_STREAM_MAX_BUFFERED_BYTES',
  testClockFile: 'OVERTURE_TEST_CLOCK_FILE',
} as const satisfies Record<keyof Config, string>;

const NUMERIC = new Set<keyof Config>([
  'poolSize',
  'databaseConnectTimeoutMs',
  'databaseStatementTimeoutMs',
  'port',
  'bodyLimit',
  'shutdownTimeoutMs',
  'decisionRetentionDays',
  'composeConcurrency',
  'deliveryConcurrency',
  'deliveryMaxAttempts',
  'deliveryBackoffMs',
  'deliveryBackoffMaxMs',
  'deliveryTimeoutMs',
  'activityHalfLifeDays',
  'schedulerIntervalMs',
  'schedulerBatchSize',
  'schedulerLeaseMs',
  'streamAuthTimeoutMs',
  'streamHeartbeatMs',
  'streamMaxBufferedBytes',
]);
const BOOLEAN = new Set<keyof Config>(['migrate', 'scheduler', 'drafting', 'delivery']);

/** A setting that cannot be used; the message names the variable or field and the rule. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the configuration from environment variables; empty variables count as unset. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, name] of Object.entries(ENV_NAMES) as [keyof Config, string][]) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (NUMERIC.has(key)) {
      raw[key] = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    } else if (BOOLEAN.has(key)) {
      const v = value.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) raw[key] = true;
      else if (['0', 'false', 'no', 'off'].includes(v)) raw[key] = false;
      else problems.push(`${name}: must be true or false, got "${value}"`);
    } else {
      raw[key] = value;
    }
  }
  return parse(raw, (key) => ENV_NAMES[key as keyof Config] ?? key, problems);
}

/** Validates a configuration object given in code (library use). */
export function resolveConfig(input: ConfigInput = {}): Config {
  return parse(input, (key) => key, []);
}

function parse(raw: unknown, nameOf: (key: string) => string, problems: string[]): Config {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      const message =
        issue.code === 'invalid_type' && issue.expected === 'number'
          ? 'must be a whole number'
          : issue.message;
      problems.push(`${nameOf(key)}: ${message}`);
    }
  }
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}
