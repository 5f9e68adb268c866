import type { ColumnType, Generated, Kysely } from 'kysely';
import type { DeliveryStatus, SuggestionStatus } from '../domain/suggestions/lifecycle.js';
import type { Channel } from '../ports/channel.js';
import type { ComposerName } from '../ports/composer.js';
import type {
  FunnelEventsTable,
  FunnelRunsTable,
  FunnelsTable,
  FunnelVersionsTable,
} from './funnel-tables.js';

/** Row types of the tables, as Kysely sees them (see migrations/*.sql). */

type Timestamp = ColumnType<Date, Date, Date>;
type Counter = ColumnType<string, number | undefined, number>;

export interface TenantsTable {
  tenant_id: string;
  name: string;
  created_at: Timestamp;
  default_timezone: Generated<string>;
  /** A requested re-arm of every pair, and how far it got (migration 0005). */
  rearm_at: Timestamp | null;
  rearm_user: string | null;
  rearm_character: string | null;
  /** Re-arms requested so far: a trigger cache read at a lower count is stale (migration 0014). */
  rearm_version: Generated<string>;
  /** The audit log's head: its last entry's seq and hash, and their HMAC (migration 0015). */
  audit_seq: ColumnType<string, never, number>;
  audit_hash: ColumnType<string, never, string>;
  audit_mac: ColumnType<string | null, never, string | null>;
  /** The tenant's own request limits, or null for the operator's defaults (migration 0019). */
  request_limits: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

/** Requests counted per fixed window, shared by the instances (migration 0019). */
export interface RequestCountersTable {
  bucket: string;
  hits: number;
  resets_at: Timestamp;
}

export interface PoliciesTable {
  tenant_id: string;
  settings: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

export interface TriggersTable {
  tenant_id: string;
  trigger_id: string;
  name: string;
  kind: string;
  spec: ColumnType<Record<string, unknown>, string, string>;
  enabled: boolean;
  character_ids: string[] | null;
  approval: string;
  priority: number;
  cooldown_minutes: number;
  caps: ColumnType<{ perDay: number | null; perWeek: number | null }, string, string>;
  expiry_minutes: number;
  at_good_time: boolean;
  builtin: Generated<boolean>;
  /** Plain text, only in rows from before migration 0016 not sealed yet (no key since). */
  webhook_secret: string | null;
  webhook_secret_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** When it was created or last enabled (migration 0017). */
  enabled_at: Timestamp;
  /** The least engagement of the pair at which it fires (migration 0024). */
  min_engagement: 'passive' | 'curious' | 'engaged' | 'proactive' | null;
  /** The funnel it starts instead of one message (migration 0027). */
  funnel: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** The share of decisions held out, in percent, and what one draw is for (migration 0023). */
  holdout_percent: Generated<number>;
  holdout_unit: Generated<'user' | 'decision'>;
}

export interface AuditLogTable {
  tenant_id: string;
  seq: ColumnType<string, number, never>;
  at: Timestamp;
  actor: string;
  action: string;
  subject: string;
  detail: ColumnType<unknown, string, never>;
  prev_hash: string;
  hash: string;
}

export interface TenantActivityTable {
  tenant_id: string;
  shard: number;
  model: Uint8Array;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  tenant_id: string;
  key_id: string;
  name: string;
  key_prefix: string;
  key_hash: string;
  scopes: string[];
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface CharactersTable {
  tenant_id: string;
  character_id: string;
  name: string | null;
  persona: string | null;
  proactive_enabled: Generated<boolean>;
  defaults: ColumnType<Record<string, unknown>, string | undefined, string>;
  voice: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Counters and last_* instants kept per user and per (user, character). */
interface ActivityColumns {
  first_event_at: Timestamp | null;
  last_event_at: Timestamp | null;
  last_activity_at: Timestamp | null;
  last_inbound_at: Timestamp | null;
  last_outbound_at: Timestamp | null;
  last_session_start_at: Timestamp | null;
  last_session_end_at: Timestamp | null;
  inbound_count: Counter;
  outbound_count: Counter;
  session_count: Counter;
  event_count: Counter;
}

export interface UsersTable extends ActivityColumns {
  tenant_id: string;
  user_id: string;
  timezone: string | null;
  locale: string | null;
  addresses: ColumnType<Record<string, string>, string | undefined, string>;
  /** Who reads each address, where the user's address says so (migration 0018). */
  address_audiences: ColumnType<Record<string, 'public' | 'private'>, string | undefined, string>;
  consent: Generated<'opted_in' | 'unknown' | 'opted_out'>;
  consent_updated_at: Timestamp | null;
  /** The message that set the consent, when a message did (migration 0021). */
  consent_event_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The channel the user asked to be reached on (migration 0013). */
  preferred_channel: string | null;
  /** The activity model (storage/codecs/activity-codec.ts), its write count and the transaction that wrote it. */
  activity: Uint8Array | null;
  activity_version: Generated<string>;
  activity_writer: string | null;
}

export interface UserCharactersTable extends ActivityColumns {
  tenant_id: string;
  user_id: string;
  character_id: string;
  created_at: Timestamp;
  trust: Generated<number>;
  /** The channel of the user's last message to this character (migration 0013). */
  last_inbound_channel: string | null;
  /** The pair's own consent, when it took effect and the message that set it (migration 0021). */
  consent: Generated<'opted_in' | 'unknown' | 'opted_out'>;
  consent_updated_at: Timestamp | null;
  consent_event_id: string | null;
  /** "Not now": no proactive message from the character until then, and the reply that asked. */
  snoozed_until: Timestamp | null;
  snoozed_by: string | null;
  /**
   * From the pair's first proactive message to the end of its last attribution window (migration
   * 0026): a message outside cannot be a reply, and ingest does not look for one.
   */
  outcomes_from: Timestamp | null;
  outcomes_until: Timestamp | null;
}

export interface EventsTable {
  tenant_id: string;
  user_id: string;
  event_id: string;
  character_id: string;
  kind: string;
  name: string | null;
  at: Timestamp;
  received_at: Timestamp;
  text: string | null;
  channel: string | null;
  meta: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}

export interface PairSchedulesTable {
  tenant_id: string;
  user_id: string;
  character_id: string;
  next_due_at: Timestamp | null;
  hint_at: Timestamp | null;
  claim_token: string | null;
  lease_until: Timestamp | null;
  decided_at: Timestamp | null;
}

export interface OccasionsTable {
  tenant_id: string;
  user_id: string;
  character_id: string;
  trigger_id: string;
  occasion_key: string;
  at: Timestamp;
  expires_at: Timestamp;
  detail: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: Timestamp;
}

export interface DecisionsTable {
  tenant_id: string;
  user_id: string;
  decision_id: string;
  character_id: string;
  decided_at: Timestamp;
  action: 'send' | 'queue' | 'defer' | 'skip' | 'held_out';
  reason: string | null;
  trigger_id: string | null;
  occasion_key: string | null;
  occasion_at: Timestamp | null;
  occasion_expires_at: Timestamp | null;
  until_at: Timestamp | null;
  trace: ColumnType<unknown[], string, string>;
  suggestion_id: string | null;
  /** The trigger's holdout probability, for decisions made under one (migration 0023). */
  holdout_probability: number | null;
}

export interface SuggestionsTable {
  tenant_id: string;
  user_id: string;
  suggestion_id: string;
  character_id: string;
  trigger_id: string;
  occasion_key: string;
  status: SuggestionStatus;
  approval: 'auto' | 'suggest' | 'manual';
  decision_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  expires_at: Timestamp;
  /** What it says, once drafted (migration 0012). */
  text: string | null;
  topic: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  composer: ComposerName | null;
  composition: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  status_reason: string | null;
  draft_token: string | null;
  draft_lease_until: Timestamp | null;
  /** Who approved or dismissed it ('auto', an API key's id, 'library'), and when (migration 0013). */
  handled_by: string | null;
  handled_at: Timestamp | null;
  /** The text as composed, kept when a person edited it before approving. */
  composed_text: string | null;
  /** The funnel run it is a step of, and the step's place in it (0: the hook), migration 0027. */
  funnel_run_id: string | null;
  funnel_seq: number | null;
}

export interface ChannelSettingsTable {
  tenant_id: string;
  character_id: string;
  channel: Channel;
  settings: ColumnType<Record<string, unknown>, string, string>;
  secret_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UnreachableAddressesTable {
  tenant_id: string;
  user_id: string;
  channel: string;
  address: string;
  reason: string;
  at: Timestamp;
}

export interface DeliveriesTable {
  tenant_id: string;
  user_id: string;
  delivery_id: string;
  suggestion_id: string;
  character_id: string;
  channel: Channel;
  address: string;
  /** Who reads the address: a private chat, or a shared place (migration 0018). */
  audience: Generated<'private' | 'public'>;
  text: string;
  expires_at: Timestamp;
  status: DeliveryStatus;
  attempts: Generated<number>;
  max_attempts: number;
  next_attempt_at: Timestamp | null;
  lease_token: string | null;
  lease_until: Timestamp | null;
  external_id: string | null;
  reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: Timestamp | null;
  /** The buttons it is sent with, each a label and its callback data (migration 0027). */
  choices: ColumnType<DeliveryChoice[] | null, string | null | undefined, string | null>;
  answers: Generated<boolean>;
  funnel_run_id: string | null;
  funnel_seq: number | null;
}

export interface DeliveryChoice {
  label: string;
  data: string;
}

/** What became of a proactive message sent (migration 0020; engine/outcomes/attribution.ts). */
export interface OutcomesTable {
  tenant_id: string;
  user_id: string;
  /** The delivery's id. */
  outcome_id: string;
  character_id: string;
  suggestion_id: string | null;
  at: Timestamp;
  window_ends_at: Timestamp;
  reply_event_id: string | null;
  replied_at: Timestamp | null;
  meaning: string | null;
  meaning_cue: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** When the settling pass saw its window passed (migration 0025); null before. */
  settled_at: Timestamp | null;
}

/** Feedback and reactions about one proactive message (migration 0020). */
export interface FeedbackTable {
  tenant_id: string;
  user_id: string;
  event_id: string;
  character_id: string;
  suggestion_id: string | null;
  external_id: string | null;
  score: number | null;
  emoji: string | null;
  text: string | null;
  at: Timestamp;
}

export interface DeliveryAttemptsTable {
  tenant_id: string;
  user_id: string;
  delivery_id: string;
  attempt: number;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  outcome: 'sent' | 'retry' | 'permanent' | 'unknown' | 'lost' | null;
  reason: string | null;
  retry_after_ms: number | null;
}

export interface FiringKeysTable {
  tenant_id: string;
  user_id: string;
  character_id: string;
  trigger_id: string;
  occasion_key: string;
  received_at: Timestamp;
}

export interface WebhookCallsTable {
  tenant_id: string;
  trigger_id: string;
  signature: string;
  received_at: Timestamp;
}

export interface FactsTable {
  tenant_id: string;
  user_id: string;
  fact_id: string;
  character_id: string | null;
  text: string;
  subject: string | null;
  predicate: string | null;
  object: string | null;
  category: string | null;
  salience: number;
  sensitive: boolean;
  source: string;
  mention: string | null;
  created_at: Timestamp;
}

export interface MemoriesTable {
  tenant_id: string;
  user_id: string;
  memory_id: string;
  character_id: string | null;
  text: string;
  at: Timestamp;
  tags: string[];
  salience: number;
  sensitive: boolean;
  source: string;
  mention: string | null;
  created_at: Timestamp;
}

/** Who writes openers: the tenant's (character_id '') or a character's own (migration 0012). */
export interface LlmProvidersTable {
  tenant_id: string;
  character_id: string;
  settings: ColumnType<Record<string, unknown>, string, string>;
  api_key_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A character's context callback (migration 0011); the secret sealed by SecretBox. */
export interface ContextProvidersTable {
  tenant_id: string;
  character_id: string;
  url: string;
  secret_sealed: string;
  timeout_ms: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OpenLoopsTable {
  tenant_id: string;
  user_id: string;
  loop_id: string;
  character_id: string;
  sentence: string;
  mention: string;
  due_at: Timestamp;
  all_day: boolean;
  source: 'message' | 'api';
  event_id: string | null;
  sentence_index: number | null;
  status: 'open' | 'closed';
  closed_at: Timestamp | null;
  closed_reason: 'followed_up' | 'closed_by_api' | 'expired' | null;
  closed_note: string | null;
  created_at: Timestamp;
}

export interface Schema {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  characters: CharactersTable;
  users: UsersTable;
  user_characters: UserCharactersTable;
  events: EventsTable;
  tenant_activity: TenantActivityTable;
  policies: PoliciesTable;
  triggers: TriggersTable;
  audit_log: AuditLogTable;
  pair_schedules: PairSchedulesTable;
  occasions: OccasionsTable;
  decisions: DecisionsTable;
  suggestions: SuggestionsTable;
  webhook_calls: WebhookCallsTable;
  firing_keys: FiringKeysTable;
  facts: FactsTable;
  memories: MemoriesTable;
  llm_providers: LlmProvidersTable;
  context_providers: ContextProvidersTable;
  open_loops: OpenLoopsTable;
  channel_settings: ChannelSettingsTable;
  unreachable_addresses: UnreachableAddressesTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  request_counters: RequestCountersTable;
  outcomes: OutcomesTable;
  feedback: FeedbackTable;
  funnels: FunnelsTable;
  funnel_versions: FunnelVersionsTable;
  funnel_runs: FunnelRunsTable;
  funnel_events: FunnelEventsTable;
}

/** The Kysely handle every repository takes first: a pool, a PGlite connection or a transaction. */
export type Db = Kysely<Schema>;
