/** What is known of where a user can be reached by one character. */
export interface Reachability {
  /** The channel the user asked for. */
  preferred: string | null;
  /** The channel of the user's last message to this character. */
  lastInbound: string | null;
  /** The character's `defaults.channel`. */
  characterDefault: string | null;
  /** The channels configured for the character, in the order they are tried after the others. */
  configured: readonly string[];
  /** The user's address per channel. */
  addresses: Readonly<Record<string, string>>;
  /** Addresses a platform said never work, as `channel\u001faddress`. */
  unreachable: ReadonlySet<string>;
  /** Channels whose address is the user's id when none is given (the bot knows its users by id). */
  addressedById: ReadonlySet<string>;
  userId: string;
}

export type ChannelChoice =
  | {
      channel: string;
      address: string;
      because: 'preferred' | 'last_inbound' | 'character_default' | 'configured';
    }
  | { channel: null; reason: string };

export const unreachableKey = (channel: string, address: string) => `${channel}\u001f${address}`;

/**
 * Where to send: the user's preferred channel, else the one they last wrote on, else the
 * character's default, else any channel configured for the character; the first that the
 * character can send on and where the user has an address that is not known to fail. Without
 * one, the reason lists why each was passed over.
 */
export function chooseChannel(r: Reachability): ChannelChoice {
  const tried: string[] = [];
  const seen = new Set<string>();
  const candidates = [
    [r.preferred, 'preferred'],
    [r.lastInbound, 'last_inbound'],
    [r.characterDefault, 'character_default'],
    ...r.configured.map((c) => [c, 'configured'] as const),
  ] as const;
  for (const [channel, because] of candidates) {
    if (channel === null || seen.has(channel)) continue;
    seen.add(channel);
    if (!r.configured.includes(channel)) {
      tried.push(`${channel}: not configured for the character`);
      continue;
    }
    const address = r.addresses[channel] ?? (r.addressedById.has(channel) ? r.userId : undefined);
    if (address === undefined) {
      tried.push(`${channel}: the user has no address`);
      continue;
    }
    if (r.unreachable.has(unreachableKey(channel, address))) {
      tried.push(`${channel}: address ${address} is unreachable`);
      continue;
    }
    return { channel, address, because };
  }
  return {
    channel: null,
    reason: `no reachable address${tried.length ? ` (${tried.join('; ')})` : ': the character has no channel configured'}`,
  };
}
