import {
  type ChannelAdapter,
  type DeliveryChannel,
  IDEMPOTENT_CHANNELS,
  type OpenedChannel,
  type OutboundMessage,
  type SendResult,
} from '../ports/channel.js';

/** One call an adapter received, with what it answered. */
export interface RecordedSend extends OutboundMessage {
  channel: DeliveryChannel;
  settings: Record<string, unknown>;
  result: SendResult;
}

type Answer = SendResult | ((message: OutboundMessage) => SendResult | Promise<SendResult>);

/**
 * Channel adapters that send nothing: they record each call and answer as scripted (sent, by
 * default), for tests of what the engine does with each outcome. Pass `channels.factory` as the
 * engine's `channels` option. Adapters over the real client libraries are tested against fake
 * platform servers (src/testing/fake-*-server.ts).
 *
 * @example
 * const channels = new RecordingChannel();
 * const { engine } = await createTestEngine({}, { channels: channels.factory });
 * channels.script({ outcome: 'retry', reason: 'HTTP 429', retryAfterMs: 30_000 });
 * await engine.deliver();
 * expect(channels.calls).toHaveLength(1);
 */
export class RecordingChannel {
  /** Every call, in order. */
  readonly calls: RecordedSend[] = [];
  readonly #script: Answer[] = [];

  /** Answers for the next calls, in order; after them, `sent`. */
  script(...answers: Answer[]): void {
    this.#script.push(...answers);
  }

  /** The calls that were answered `sent`: what reached users. */
  get delivered(): RecordedSend[] {
    return this.calls.filter((c) => c.result.outcome === 'sent');
  }

  readonly factory = (opened: OpenedChannel): ChannelAdapter => ({
    channel: opened.channel,
    idempotent: IDEMPOTENT_CHANNELS.includes(opened.channel),
    send: async (message) => {
      const answer = this.#script.shift() ?? { outcome: 'sent', externalId: `m-${this.calls.length + 1}` };
      const result = typeof answer === 'function' ? await answer(message) : answer;
      this.calls.push({ ...message, channel: opened.channel, settings: opened.settings, result });
      return result;
    },
  });
}
