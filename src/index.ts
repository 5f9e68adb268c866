/**
 * Overture: a proactive engagement engine for conversational agents.
 *
 * Grouped by audience: bots that embed the engine and operators who run the service. The test
 * kit (fake clock, fake servers, a recording channel) is the `overture/testing` subpath, so
 * this entry does not load it.
 */

// Embedding the engine in a bot process
export { createEngine, type Engine, type EngineOptions } from './app/create-engine.js';
// Running the service
export { createServer, type Server } from './app/create-server.js';
// Delivery channels: the adapters Overture sends through, and what a webhook receiver gets (docs/CHANNELS.md)
export { createChannelAdapter } from './channels/create-channel-adapter.js';
export type { ChannelOptions, ChannelSettings } from './channels/shared/settings.js';
export { DELIVERY_HEADER, type WebhookDelivery } from './channels/webhook/webhook-channel.js';
export { type Config, ConfigError, type ConfigInput, loadConfig, resolveConfig } from './config/config.js';
// Bots that keep their own memory: the context callback's request and answer (docs/CONTEXT-PROVIDER.md)
export {
  type CallbackItem,
  type ContextCallbackRequest,
  ContextCallbackResponse,
} from './context/callback-contract.js';
export type { ApiKey, ApiKeyCreated, Scope } from './contract/api-key.schema.js';
export type { Character, CharacterInput } from './contract/character.schema.js';
export type {
  ContextProviderInput,
  ContextProviderView,
} from './contract/context-provider.schema.js';
export { type ErrorCode, type InputIssue, OvertureError } from './contract/errors.js';
export type { EventInput, IngestResult } from './contract/event.schema.js';
export { LIMITS } from './contract/event.schema.js';
// Systems that call a webhook trigger: how to sign a call (docs/WEBHOOKS.md); bots that receive
// webhook deliveries: how to check one (docs/CHANNELS.md)
export { signHook, verifyHook } from './contract/hook-signature.js';
// The live stream of suggestions and deliveries (engine.forTenant(t).stream.subscribe, /v1/stream)
export type { StreamEvent, StreamEventName } from './contract/stream-event.js';
export type { ActivityState, User, UserPatch } from './contract/user.schema.js';
export {
  type Assessment,
  assessHour,
  bestHours,
  heatmapOf,
  nextGoodTime,
} from './domain/activity/good-time.js';
export { countsAt, emptyHistogram, type Histogram, observe, totalAt } from './domain/activity/histogram.js';
export {
  activityDistribution,
  confidenceOf,
  DEFAULT_PROFILE_PARAMS,
  GENERIC_PROFILE,
  type ProfileParams,
  populationDistribution,
} from './domain/activity/profile.js';
export {
  emptyUserActivity,
  localHistogramIn,
  observeActivity,
  refreshInference,
  type UserActivity,
} from './domain/activity/user-activity.js';
export { inferZone, resolveZone, type ZoneGuess, type ZoneSource } from './domain/activity/zone-inference.js';
// The activity model, pure: for bots that keep their own store or score hours themselves
export { DAY_NAMES, HOURS_PER_WEEK, ZoneCache, ZoneOffsets } from './domain/shared/local-time.js';
export { EVENT_KINDS, type EventKind } from './domain/signals/event-kind.js';
export type { Consent } from './domain/suggestions/lifecycle.js';
// Open loops, pure: what a message says will happen, read in the user's zone
export { type ExtractedLoop, extractOpenLoops } from './domain/topics/open-loops.js';
export type { TopicCandidate, TopicKind } from './domain/topics/select-topic.js';
export type { EngineEventMap, EngineEventName } from './engine/kernel/events.js';
// The live stream of suggestions and deliveries (engine.forTenant(t).stream.subscribe, /v1/stream)
export type { StreamListener } from './engine/kernel/stream.js';
// What engine.forTenant(t) gives: each tenant's use cases, their inputs typed from the contract
export type { IngestInput } from './engine/use-cases/signal-use-cases.js';
export type { TenantEngine, TenantOptions } from './engine/use-cases/tenant-engine.js';
export {
  CHANNELS,
  type Channel,
  type ChannelAdapter,
  DELIVERY_CHANNELS,
  type DeliveryChannel,
  type OutboundMessage,
  type SendResult,
} from './ports/channel.js';
export type { Clock } from './ports/clock.js';
export type { ContextProvider, ContextQuery, UserContext } from './ports/context-provider.js';
export type { Logger } from './ports/logger.js';
