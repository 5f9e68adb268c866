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
  /** Who reads each address, where the user's address says so. */
  audiences: Readonly<Record<string, Audience>>;
  /** The character's `defaults.publicChannels`: where an address that says nothing is public. */
  publicByDefault: ReadonlySet<string>;
  /** Addresses a platform said never work, as `channel\u001faddress`. */
  unreachable: ReadonlySet<string>;
  /** Channels whose address is the user's id when none is given (the bot knows its users by id). */
  addressedById: ReadonlySet<string>;
  userId: string;
}

/** Who reads what is sent to an address: the user alone, or others too (a group, a server channel). */
export type Audience = 'private' | 'public';

export type ChannelChoice =
  | {
      channel: string;
      address: string;
      audience: Audience;
      because: 'preferred' | 'last_inbound' | 'character_default' | 'configured';
    }
  | { channel: null; reason: string };

export const unreachableKey = (channel: string, address: string) => `${channel}\u001f${address}`;

/**
 * Where to send: the user's preferred channel, else the one they last wrote on, else the
 * character's default, else any channel configured for the character; the first that the
 * character can send on and where the user has an address that is not known to fail. A private
 * chat is preferred to a public place in that order: a public address is used only when no private
 * one is reachable. Without one, the reason lists why each was passed over.
 */
export function chooseChannel(r: Reachability): ChannelChoice {
  const tried: string[] = [];
  const usable: Extract<ChannelChoice, { address: string }>[] = [];
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
    usable.push({ channel, address, audience: audienceOf(r, channel), because });
  }
  const choice = usable.find((c) => c.audience === 'private') ?? usable[0];
  if (choice) return choice;
  return {
    channel: null,
    reason: `no reachable address${tried.length ? ` (${tried.join('; ')})` : ': the character has no channel configured'}`,
  };
}

/** Who reads an address: what the user's address says, else the character's default, else private. */
export function audienceOf(
  r: Pick<Reachability, 'audiences' | 'publicByDefault'>,
  channel: string,
): Audience {
  return r.audiences[channel] ?? (r.publicByDefault.has(channel) ? 'public' : 'private');
}
