/**
 * Overture's test kit (`overture/testing`): an engine on an in-memory database with a fake clock,
 * clocks a test moves by hand or through a file, local fakes of the language model and delivery
 * platform APIs, and a channel that records what would have been sent. Kept apart from the main
 * entry so that production code never loads it.
 */

export { FileClock, setFileClock } from '../app/file-clock.js';
export { createTestEngine } from './create-test-engine.js';
export { startFakeAnthropicServer } from './fake-anthropic-server.js';
export { FakeClock } from './fake-clock.js';
export {
  type DiscordActionRow,
  type DiscordButton,
  type DiscordMessage,
  type DiscordRoute,
  discordReplies,
  type FakeDiscordServer,
  startFakeDiscordServer,
} from './fake-discord-server.js';
export { lookupFrom } from './fake-dns.js';
export type { FakeModelServer, FakeReply } from './fake-model-server.js';
export { startFakeOpenAiServer } from './fake-openai-server.js';
export type { PlatformRequest, ScriptedReply } from './fake-platform-server.js';
export {
  type FakeSlackServer,
  type SlackMessage,
  type SlackRoute,
  slackReplies,
  startFakeSlackServer,
} from './fake-slack-server.js';
export {
  type FakeTelegramServer,
  startFakeTelegramServer,
  type TelegramButton,
  type TelegramMessage,
  telegramReplies,
} from './fake-telegram-server.js';
export {
  type FakeWebhookReceiver,
  startFakeWebhookReceiver,
  type WebhookMessage,
} from './fake-webhook-receiver.js';
export { type RecordedSend, RecordingChannel } from './recording-channel.js';
export { type RedirectServer, startRedirectServer } from './redirect-server.js';
export { TcpProxy } from './tcp-proxy.js';
