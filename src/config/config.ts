import { z } from 'zod';
import { isAllowEntry } from '../net/outbound-policy.js';
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
  /**
   * Largest request body of a route, in bytes, unless the route sets its own: most take a few
   * fields, and a large body costs the event loop to parse whatever the caller's key may do.
   */
  bodyLimit: z
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(64 * 1024),
  /** Largest body of `POST /v1/events` (a batch of up to 1,000 events), in bytes. */
  eventsBodyLimit: z
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /**
   * Request body bytes this instance accepts at once, over all requests (a parsed body takes about
   * ten times its size in memory); past it, a request is refused with 503 and `Retry-After` before
   * its body is read. Never less than the largest route limit.
   */
  bodyBytesInFlight: z
    .number()
    .int()
    .min(64 * 1024)
    .max(4 * 1024 * 1024 * 1024)
    .default(32 * 1024 * 1024),
  /** Requests one API key may make per minute (0: no limit); a tenant's own setting overrides it. */
  keyRequestsPerMinute: z.number().int().min(0).max(10_000_000).default(6000),
  /** Requests all of a tenant's keys together may make per minute (0: no limit); overridable per tenant. */
  tenantRequestsPerMinute: z.number().int().min(0).max(10_000_000).default(12_000),
  /**
   * Requests with an unknown or revoked key one client address may make per minute (0: no limit);
   * past it, the address is refused with 429 before its keys are looked up.
   */
  failedAuthPerMinute: z.number().int().min(0).max(1_000_000).default(30),
  /**
   * Whether the client address is read from `X-Forwarded-For` (the failed-authentication limit is
   * per address): `true` trusts every proxy, a number that many hops, a string the proxies' addresses
   * or CIDR ranges (comma-separated). Off by default: behind a load balancer, set it, or every
   * client shares the balancer's address.
   */
  trustProxy: z.union([z.boolean(), z.number().int().min(0), z.string().min(1)]).default(false),
  /** Apply pending migrations when the engine opens its database. */
  migrate: z.boolean().default(true),
  /**
   * Half-life of a user's long-run activity habits, in days: older events fade by half every
   * half-life (docs/ACTIVITY.md). Changing it changes how stored histograms read, not what they hold.
   */
  activityHalfLifeDays: z.number().min(1).max(3650).default(365),
  /** Half-life of the recent memory, mixed into the long one by its evidence, in days. */
  activityRecentHalfLifeDays: z.number().min(1).max(365).default(21),
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
   * Tenants whose outbound calls (webhooks, context callbacks, model servers, platform base URLs)
   * may reach loopback and private addresses: by default the operator's own `default` tenant, so
   * that a local model server or a bot on the same host works. `[]` trusts none.
   */
  outboundTrustedTenants: z.array(z.string().min(1)).default(['default']),
  /**
   * Internal addresses every tenant's outbound calls may reach: CIDR ranges or addresses
   * (`10.0.5.0/24`, `fd12::7`), host names (`ollama.internal`), name suffixes
   * (`*.svc.cluster.local`). Link-local and metadata addresses are refused whatever it says.
   */
  outboundAllow: z
    .array(
      z
        .string()
        .refine(isAllowEntry, 'each entry must be a CIDR range, an IP address, a host name or *.name'),
    )
    .default([]),
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
  eventsBodyLimit: 'OVERTURE_EVENTS_BODY_LIMIT',
  bodyBytesInFlight: 'OVERTURE_BODY_BYTES_IN_FLIGHT',
  keyRequestsPerMinute: 'OVERTURE_KEY_REQUESTS_PER_MINUTE',
  tenantRequestsPerMinute: 'OVERTURE_TENANT_REQUESTS_PER_MINUTE',
  failedAuthPerMinute: 'OVERTURE_FAILED_AUTH_PER_MINUTE',
  trustProxy: 'OVERTURE_TRUST_PROXY',
  migrate: 'OVERTURE_MIGRATE',
  shutdownTimeoutMs: 'OVERTURE_SHUTDOWN_TIMEOUT_MS',
  activityHalfLifeDays: 'OVERTURE_ACTIVITY_HALF_LIFE_DAYS',
  activityRecentHalfLifeDays: 'OVERTURE_ACTIVITY_RECENT_HALF_LIFE_DAYS',
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
  outboundTrustedTenants: 'OVERTURE_OUTBOUND_TRUSTED_TENANTS',
  outboundAllow: 'OVERTURE_OUTBOUND_ALLOW',
  testClockFile: 'OVERTURE_TEST_CLOCK_FILE',
} as const satisfies Record<keyof Config, string>;

const NUMERIC = new Set<keyof Config>([
  'poolSize',
  'databaseConnectTimeoutMs',
  'databaseStatementTimeoutMs',
  'port',
  'bodyLimit',
  'eventsBodyLimit',
  'bodyBytesInFlight',
  'keyRequestsPerMinute',
  'tenantRequestsPerMinute',
  'failedAuthPerMinute',
  'shutdownTimeoutMs',
  'decisionRetentionDays',
  'composeConcurrency',
  'deliveryConcurrency',
  'deliveryMaxAttempts',
  'deliveryBackoffMs',
  'deliveryBackoffMaxMs',
  'deliveryTimeoutMs',
  'activityHalfLifeDays',
  'activityRecentHalfLifeDays',
  'schedulerIntervalMs',
  'schedulerBatchSize',
  'schedulerLeaseMs',
  'streamAuthTimeoutMs',
  'streamHeartbeatMs',
  'streamMaxBufferedBytes',
]);
const BOOLEAN = new Set<keyof Config>(['migrate', 'scheduler', 'drafting', 'delivery']);
/** Comma-separated lists; `none` is the empty list (an empty variable counts as unset). */
const LIST = new Set<keyof Config>(['outboundTrustedTenants', 'outboundAllow']);

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
    } else if (LIST.has(key)) {
      const items = value.split(',').map((item) => item.trim());
      raw[key] =
        items.length === 1 && items[0]!.toLowerCase() === 'none' ? [] : items.filter((i) => i !== '');
    } else if (key === 'trustProxy') {
      raw[key] = trustProxyOf(value.trim());
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

/** OVERTURE_TRUST_PROXY: true/false, a hop count (digits), or the proxies' addresses. */
function trustProxyOf(value: string): boolean | number | string {
  const v = value.toLowerCase();
  if (/^\d+$/.test(v)) return Number(v);
  if (['true', 'yes', 'on'].includes(v)) return true;
  if (['false', 'no', 'off'].includes(v)) return false;
  return value;
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
      const entry = issue.path.length > 1 ? ` (entry ${Number(issue.path[1]) + 1})` : '';
      problems.push(`${nameOf(key)}${entry}: ${message}`);
    }
  }
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}
