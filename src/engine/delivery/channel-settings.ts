import { CHANNEL_INPUTS, type ChannelView, SECRET_FIELD } from '../../contract/channel.schema.js';
import { notFound, OvertureError } from '../../contract/errors.js';
import { parseInput } from '../../contract/issues.js';
import {
  type Channel,
  DELIVERY_CHANNELS,
  type DeliveryChannel,
  type OpenedChannel,
} from '../../ports/channel.js';
import {
  type ChannelSettingsRecord,
  deleteChannelSettings,
  findChannelSettings,
  listChannelSettings,
  putChannelSettings,
} from '../../storage/channel-settings.repository.js';
import { findCharacter } from '../../storage/character.repository.js';
import type { Db } from '../../storage/schema.js';
import { appendAudit } from '../kernel/audit.js';
import { requireReachable } from '../kernel/outbound.js';
import type { EngineContext } from '../kernel/resources.js';
import { requireSecrets } from '../kernel/secrets.js';

/** What a sealed channel secret is bound to: it opens for this tenant, character and channel only. */
const secretContext = (tenantId: string, characterId: string, channel: Channel) =>
  `channel/${tenantId}/${characterId}/${channel}`;

/**
 * Configures how a character reaches users on a channel (docs/CHANNELS.md). The token or signing
 * secret is sealed with the server's key and never shown again; omitted, the stored one is kept.
 * The audit log records the settings and whether the secret changed, never the secret.
 */
export async function saveChannelSettings(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
  channel: Channel,
  body: unknown,
  actor: string,
): Promise<{ view: ChannelView; created: boolean }> {
  // no body is no settings (a stream channel needs none); `null` is a mistake, not an empty object
  const input = parseInput(CHANNEL_INPUTS[channel], body === undefined ? {} : body) as Record<
    string,
    unknown
  >;
  const field = SECRET_FIELD[channel];
  const { [field ?? '']: secret, ...settings } = input;
  const now = ctx.clock.now();
  const aad = secretContext(tenantId, characterId, channel);
  const saved = await ctx.db.transaction().execute(async (trx) => {
    if (!(await findCharacter(trx, tenantId, characterId))) throw notFound(`character "${characterId}"`);
    requireReachable(ctx, tenantId, settings);
    const before = await findChannelSettings(trx, tenantId, characterId, channel, true);
    let secretSealed: string | null = null;
    if (field) {
      if (typeof secret === 'string') secretSealed = requireSecrets(ctx, field).seal(secret, aad);
      else if (before?.secretSealed) secretSealed = before.secretSealed;
      else
        throw new OvertureError('invalid_request', `${field}: is required`, [
          { path: field, field, rule: 'is required' },
        ]);
    }
    const record: ChannelSettingsRecord = {
      characterId,
      channel,
      settings,
      secretSealed,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    };
    const { created } = await putChannelSettings(trx, tenantId, record);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: created ? 'channel.created' : 'channel.updated',
      subject: `character:${characterId}`,
      detail: {
        channel,
        before: before?.settings ?? null,
        after: settings,
        secretChanged: typeof secret === 'string',
      },
    });
    return { record, created };
  });
  ctx.events.emit('character.updated', { tenantId, characterId, created: false });
  return { view: channelView(saved.record), created: saved.created };
}

export async function getChannelSettings(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
  channel: Channel,
): Promise<ChannelView> {
  return channelView(await mustFind(ctx.db, tenantId, characterId, channel));
}

export async function listCharacterChannels(ctx: EngineContext, tenantId: string, characterId: string) {
  const [character, records] = await Promise.all([
    findCharacter(ctx.db, tenantId, characterId),
    listChannelSettings(ctx.db, tenantId, characterId),
  ]);
  if (!character) throw notFound(`character "${characterId}"`);
  return { channels: records.map(channelView) };
}

export async function removeChannelSettings(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
  channel: Channel,
  actor: string,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await mustFind(trx, tenantId, characterId, channel, true);
    await deleteChannelSettings(trx, tenantId, characterId, channel);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'channel.deleted',
      subject: `character:${characterId}`,
      detail: { channel, before: before.settings },
    });
  });
  ctx.events.emit('character.updated', { tenantId, characterId, created: false });
}

/**
 * Opens a character's delivery channel for sending; throws a reason (as an Error's message) when
 * it is not configured or its secret cannot be opened.
 */
export function openChannel(
  ctx: EngineContext,
  tenantId: string,
  record: ChannelSettingsRecord,
): OpenedChannel {
  const channel = record.channel;
  if (!(DELIVERY_CHANNELS as readonly string[]).includes(channel))
    throw new Error(`channel ${channel} is not one Overture sends on`);
  if (!record.secretSealed) throw new Error(`channel ${channel} has no stored secret`);
  if (!ctx.secrets) throw new Error('this server has no OVERTURE_SECRET_KEY to open the channel secret with');
  const secret = ctx.secrets.open(record.secretSealed, secretContext(tenantId, record.characterId, channel));
  return { tenantId, channel: channel as DeliveryChannel, settings: record.settings, secret };
}

async function mustFind(db: Db, tenantId: string, characterId: string, channel: Channel, forUpdate = false) {
  const [character, record] = await Promise.all([
    findCharacter(db, tenantId, characterId),
    findChannelSettings(db, tenantId, characterId, channel, forUpdate),
  ]);
  if (!character) throw notFound(`character "${characterId}"`);
  if (!record) throw notFound(`channel ${channel} of character "${characterId}"`);
  return record;
}

function channelView(r: ChannelSettingsRecord): ChannelView {
  return {
    characterId: r.characterId,
    channel: r.channel,
    settings: r.settings,
    hasSecret: r.secretSealed !== null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
