import {
  exactPath,
  type FakePlatformServer,
  fieldsOf,
  type PlatformAnswer,
  type ScriptedReply,
  startFakePlatformServer,
} from './fake-platform-server.js';

/** The fake's routes: opening a DM channel, and posting in a channel. */
export type DiscordRoute = 'openDm' | 'createMessage';

/** A button with a `custom_id` (what the fake serves of Discord's components: no link buttons). */
export interface DiscordButton {
  type: 2;
  style: number;
  label: string;
  custom_id: string;
}

/** An action row: up to five buttons side by side. */
export interface DiscordActionRow {
  type: 1;
  components: DiscordButton[];
}

/** A message the fake accepted: what reached the user (once per nonce, with `enforce_nonce`). */
export interface DiscordMessage {
  id: string;
  channelId: string;
  /** The DM channel's recipient; null in a server channel (one of `guildChannels`). */
  recipientId: string | null;
  content: string;
  nonce: string | null;
  /** Its action rows as sent; empty when the message had no `components`. */
  components: DiscordActionRow[];
}

export interface FakeDiscordServer extends FakePlatformServer<DiscordRoute> {
  /** The `apiBase` to give `@discordjs/rest` (and the Discord channel): `<origin>/api`. */
  apiBase: string;
  /** Every message created, in order; a resend with a used nonce is not created again. */
  delivered: DiscordMessage[];
}

/** Discord's refusals, as its API writes them: `{ message, code }`. */
export const discordReplies = {
  error(status: number, code: number, message: string): ScriptedReply {
    return { status, body: { message, code } };
  },
  cannotMessageUser: () => discordReplies.error(403, 50007, 'Cannot send messages to this user'),
  unknownUser: () => discordReplies.error(404, 10013, 'Unknown User'),
  /** A 429 with `Retry-After` in seconds, as Discord sends it in the header and the body. */
  rateLimited(seconds: number): ScriptedReply {
    return {
      status: 429,
      headers: { 'retry-after': String(seconds), 'x-ratelimit-scope': 'user' },
      body: { message: 'You are being rate limited.', retry_after: seconds, global: false },
    };
  },
  serverError: (): ScriptedReply => ({
    status: 500,
    body: { message: '500: Internal Server Error', code: 0 },
  }),
};

const unauthorized: PlatformAnswer = { status: 401, body: { message: '401: Unauthorized', code: 0 } };

/**
 * A local Discord API v10 over real HTTP, for `@discordjs/rest`: `POST /api/v10/users/@me/channels`
 * opens (or finds) the DM channel with `recipient_id`; `POST /api/v10/channels/:id/messages`
 * creates a message in a DM channel or one of `guildChannels`, deduplicated by nonce when `enforce_nonce` is set (the same message is
 * returned and nothing new is delivered), as Discord does. `Authorization: Bot <token>` is checked.
 */
export async function startFakeDiscordServer(options: {
  token: string;
  /** Server (guild) channels the bot can post in, by id, as well as the DM channels it opens. */
  guildChannels?: readonly string[];
}): Promise<FakeDiscordServer> {
  const guild = new Set(options.guildChannels ?? []);
  const delivered: DiscordMessage[] = [];
  const dmByRecipient = new Map<string, string>();
  const recipientByDm = new Map<string, string>();
  let nextId = 100_000_000_000_000_000n;
  const snowflake = () => String(nextId++);

  const server = await startFakePlatformServer<DiscordRoute>({
    routes: [
      {
        name: 'openDm',
        method: 'POST',
        match: exactPath('/api/v10/users/@me/channels'),
        handle(request) {
          const recipient = fieldsOf(request.body).recipient_id;
          if (typeof recipient !== 'string' || !/^\d+$/.test(recipient))
            return {
              status: 400,
              body: {
                message: 'Invalid Form Body',
                code: 50035,
                errors: { recipient_id: 'not a snowflake' },
              },
            };
          let channelId = dmByRecipient.get(recipient);
          if (channelId === undefined) {
            channelId = snowflake();
            dmByRecipient.set(recipient, channelId);
            recipientByDm.set(channelId, recipient);
          }
          return { status: 200, body: { id: channelId, type: 1, recipients: [{ id: recipient }] } };
        },
      },
      {
        name: 'createMessage',
        method: 'POST',
        match: (path) => {
          const found = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(path);
          return found ? { channelId: found[1]! } : null;
        },
        handle(request, params) {
          const channelId = params.channelId!;
          const recipientId = recipientByDm.get(channelId) ?? null;
          if (recipientId === null && !guild.has(channelId))
            return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
          const fields = fieldsOf(request.body);
          const nonce =
            typeof fields.nonce === 'string' || typeof fields.nonce === 'number'
              ? String(fields.nonce)
              : null;
          if (typeof fields.content !== 'string' || fields.content === '')
            return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
          if (nonce !== null && nonce.length > 25)
            return {
              status: 400,
              body: { message: 'Invalid Form Body', code: 50035, errors: { nonce: 'too long' } },
            };
          const components = actionRowsOf(fields.components);
          if (typeof components === 'string')
            return {
              status: 400,
              body: { message: 'Invalid Form Body', code: 50035, errors: { components: components } },
            };
          const earlier =
            nonce !== null && fields.enforce_nonce === true
              ? delivered.find((m) => m.channelId === channelId && m.nonce === nonce)
              : undefined;
          const message = earlier ?? {
            id: snowflake(),
            channelId,
            recipientId,
            content: fields.content,
            nonce,
            components,
          };
          if (!earlier) delivered.push(message);
          return {
            status: 200,
            body: {
              id: message.id,
              channel_id: channelId,
              content: message.content,
              nonce: message.nonce,
              components: message.components,
              author: { id: '1', username: 'overture-bot', bot: true },
              timestamp: new Date().toISOString(),
              type: 0,
            },
          };
        },
      },
    ],
    authorize: (request) => (request.headers.authorization === `Bot ${options.token}` ? null : unauthorized),
    notFound: () => ({ status: 404, body: { message: '404: Not Found', code: 0 } }),
  });
  return { ...server, apiBase: `${server.origin}/api`, delivered };
}

/**
 * A message's `components` as Discord checks them, or its complaint: at most 5 action rows
 * (type 1) of 1 to 5 buttons (type 2) each, a label of 1 to 80 characters, a `custom_id` of 1 to
 * 100 characters that no other component of the message has.
 */
function actionRowsOf(components: unknown): DiscordActionRow[] | string {
  if (components === undefined) return [];
  if (!Array.isArray(components) || components.length > 5) return 'at most 5 action rows';
  const rows: DiscordActionRow[] = [];
  const ids = new Set<string>();
  for (const row of components) {
    const { type, components: buttons } = fieldsOf(row);
    if (type !== 1 || !Array.isArray(buttons) || buttons.length < 1 || buttons.length > 5)
      return 'an action row holds 1 to 5 components';
    const out: DiscordButton[] = [];
    for (const button of buttons) {
      const { type: kind, style, label, custom_id: id } = fieldsOf(button);
      if (kind !== 2 || typeof style !== 'number' || style < 1 || style > 4) return 'not a button';
      if (typeof label !== 'string' || label.length < 1 || label.length > 80)
        return 'label: 1 to 80 characters';
      if (typeof id !== 'string' || id.length < 1 || id.length > 100) return 'custom_id: 1 to 100 characters';
      if (ids.has(id)) return 'Component custom id cannot be duplicated';
      ids.add(id);
      out.push({ type: 2, style, label, custom_id: id });
    }
    rows.push({ type: 1, components: out });
  }
  return rows;
}
