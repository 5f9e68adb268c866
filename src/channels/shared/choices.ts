import {
  type DeliveryChannel,
  MAX_CHOICE_DATA_BYTES,
  MAX_CHOICES,
  type OutboundMessage,
} from '../../ports/channel.js';
import type { SendFailure } from './send-attempt.js';

/** One button: what it says and what the bot is given back when it is pressed. */
export type Choice = NonNullable<OutboundMessage['choices']>[number];

/** What a platform adds to the port's limits on choices. */
export interface ChoiceLimits {
  /** The longest label the platform shows, in UTF-16 code units (Discord: 80). */
  maxLabelLength?: number;
  /** The platform refuses two buttons of one message with the same data (Discord's `custom_id`). */
  distinctData?: boolean;
}

/** The message's choices, none when absent: absent and empty both mean a plain message. */
export function choicesOf(message: OutboundMessage): readonly Choice[] {
  return message.choices ?? [];
}

/**
 * Why `choices` cannot be sent as they are, or null when they can. Checked before any request, so
 * a message the platform would refuse sends nothing and says why (not a platform's 400, and never
 * a retry: it will not work later either). The reason names the choice by position, never its
 * data, which is the bot's own and opaque.
 */
export function refuseChoices(
  channel: DeliveryChannel,
  choices: readonly Choice[],
  limits: ChoiceLimits = {},
): SendFailure | null {
  const refuse = (problem: string): SendFailure => ({
    outcome: 'permanent',
    reason: `${channel}: ${problem}`,
    unreachable: false,
  });
  if (choices.length > MAX_CHOICES) return refuse(`${choices.length} choices, at most ${MAX_CHOICES}`);
  const seen = new Set<string>();
  for (const [i, choice] of choices.entries()) {
    const which = `choice ${i + 1}`;
    if (choice.label.trim() === '') return refuse(`${which} has an empty label`);
    if (limits.maxLabelLength !== undefined && choice.label.length > limits.maxLabelLength)
      return refuse(
        `${which}'s label is ${choice.label.length} characters, at most ${limits.maxLabelLength}`,
      );
    const bytes = Buffer.byteLength(choice.data, 'utf8');
    if (bytes === 0) return refuse(`${which} has empty data`);
    if (bytes > MAX_CHOICE_DATA_BYTES)
      return refuse(`${which}'s data is ${bytes} bytes, at most ${MAX_CHOICE_DATA_BYTES}`);
    if (limits.distinctData && seen.has(choice.data))
      return refuse(`${which} repeats the data of an earlier one`);
    seen.add(choice.data);
  }
  return null;
}
