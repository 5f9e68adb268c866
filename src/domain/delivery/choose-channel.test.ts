import { describe, expect, it } from 'vitest';
import { audienceOf, chooseChannel, type Reachability, unreachableKey } from './choose-channel.js';

const base: Reachability = {
  preferred: null,
  lastInbound: null,
  characterDefault: null,
  configured: ['discord', 'telegram'],
  addresses: { telegram: '555', discord: 'd-1' },
  audiences: {},
  publicByDefault: new Set(),
  unreachable: new Set(),
  addressedById: new Set(['stream', 'webhook']),
  userId: 'u1',
};

describe('chooseChannel', () => {
  it('takes the preferred channel first, then the last one written on, then the default', () => {
    expect(chooseChannel({ ...base, preferred: 'telegram', lastInbound: 'discord' })).toEqual({
      channel: 'telegram',
      address: '555',
      audience: 'private',
      because: 'preferred',
    });
    expect(chooseChannel({ ...base, lastInbound: 'telegram', characterDefault: 'discord' })).toMatchObject({
      channel: 'telegram',
      because: 'last_inbound',
    });
    expect(chooseChannel({ ...base, characterDefault: 'telegram' })).toMatchObject({
      channel: 'telegram',
      because: 'character_default',
    });
  });

  it('falls back to the configured channels in their order', () => {
    expect(chooseChannel(base)).toMatchObject({ channel: 'discord', address: 'd-1', because: 'configured' });
  });

  it('passes over channels not configured, without an address, or unreachable, saying why', () => {
    const choice = chooseChannel({
      ...base,
      preferred: 'slack',
      lastInbound: 'telegram',
      addresses: { telegram: '555' },
      unreachable: new Set([unreachableKey('telegram', '555')]),
    });
    expect(choice).toEqual({
      channel: null,
      reason:
        'no reachable address (slack: not configured for the character; telegram: address 555 is unreachable; discord: the user has no address)',
    });
  });

  it('addresses a webhook or the stream by the user id when no address is given', () => {
    expect(chooseChannel({ ...base, configured: ['webhook'], addresses: {} })).toMatchObject({
      channel: 'webhook',
      address: 'u1',
    });
  });

  it('names the missing configuration when the character has no channel', () => {
    expect(chooseChannel({ ...base, configured: [] })).toEqual({
      channel: null,
      reason: 'no reachable address: the character has no channel configured',
    });
  });

  it('an unreachable address is tried again once it changes', () => {
    const unreachable = new Set([unreachableKey('telegram', '555')]);
    const r = { ...base, configured: ['telegram'], unreachable };
    expect(chooseChannel(r).channel).toBeNull();
    expect(chooseChannel({ ...r, addresses: { telegram: '556' } })).toMatchObject({ address: '556' });
  });

  describe('public places', () => {
    it("an address is what the user's address says, else the character's default, else private", () => {
      const r = {
        audiences: { telegram: 'private' as const },
        publicByDefault: new Set(['telegram', 'discord']),
      };
      expect(audienceOf(r, 'telegram')).toBe('private');
      expect(audienceOf(r, 'discord')).toBe('public');
      expect(audienceOf(r, 'slack')).toBe('private');
      expect(audienceOf({ audiences: { slack: 'public' }, publicByDefault: new Set() }, 'slack')).toBe(
        'public',
      );
    });

    it('prefers a private chat further down the order to a public place the user prefers', () => {
      const choice = chooseChannel({ ...base, preferred: 'discord', audiences: { discord: 'public' } });
      expect(choice).toEqual({
        channel: 'telegram',
        address: '555',
        audience: 'private',
        because: 'configured',
      });
    });

    it('takes a public place when no private chat is reachable, and says it is public', () => {
      const choice = chooseChannel({
        ...base,
        preferred: 'telegram',
        audiences: { discord: 'public' },
        unreachable: new Set([unreachableKey('telegram', '555')]),
      });
      expect(choice).toEqual({
        channel: 'discord',
        address: 'd-1',
        audience: 'public',
        because: 'configured',
      });
    });

    it("keeps the usual order among public places (the character's default makes both public)", () => {
      const choice = chooseChannel({
        ...base,
        lastInbound: 'telegram',
        publicByDefault: new Set(['telegram', 'discord']),
      });
      expect(choice).toEqual({
        channel: 'telegram',
        address: '555',
        audience: 'public',
        because: 'last_inbound',
      });
    });
  });
});
