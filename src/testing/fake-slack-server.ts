import {
  exactPath,
  type FakePlatformServer,
  fieldsOf,
  type ScriptedReply,
  startFakePlatformServer,
} from './fake-platform-server.js';

/** The Web API methods the fake serves. */
export type SlackRoute = 'conversations.open' | 'chat.postMessage';

/** A message the fake posted: what reached the user. */
export interface SlackMessage {
  ts: string;
  channel: string;
  /** The DM channel's user; null in a shared channel (one of `channels`). */
  userId: string | null;
  text: string;
}

export interface FakeSlackServer extends FakePlatformServer<SlackRoute> {
  /** The `slackApiUrl` to give the WebClient (and the Slack channel): `<origin>/api/`. */
  apiUrl: string;
  /** Every message posted, in order. */
  delivered: SlackMessage[];
}

/** Slack's answers: `ok: false` with an error code (HTTP 200), a 429 with `Retry-After`, a 5xx. */
export const slackReplies = {
  error: (error: string): ScriptedReply => ({ status: 200, body: { ok: false, error } }),
  rateLimited: (seconds: number): ScriptedReply => ({
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: { ok: false, error: 'ratelimited' },
  }),
  serverError: (): ScriptedReply => ({ status: 500, body: 'Internal Server Error' }),
};

/**
 * A local Slack Web API over real HTTP, for `@slack/web-api`: `POST /api/conversations.open`
 * (`users`: one user id) answers that user's DM channel, `POST /api/chat.postMessage` posts in
 * it or in one of the shared `channels`. Bodies are read as the WebClient sends them (form-encoded) or as JSON; a missing or wrong
 * `Authorization: Bearer <token>` is `invalid_auth`, as Slack answers it.
 */
export async function startFakeSlackServer(options: {
  token: string;
  /** Shared channels (`C…` ids) the bot is a member of, posted to as they are. */
  channels?: readonly string[];
}): Promise<FakeSlackServer> {
  const shared = new Set(options.channels ?? []);
  const delivered: SlackMessage[] = [];
  const dmByUser = new Map<string, string>();
  const userByDm = new Map<string, string>();
  let nextDm = 1;
  let nextTs = 1;

  const server = await startFakePlatformServer<SlackRoute>({
    routes: [
      {
        name: 'conversations.open',
        method: 'POST',
        match: exactPath('/api/conversations.open'),
        handle(request) {
          const users = fieldsOf(request.body).users;
          if (typeof users !== 'string' || users === '')
            return { status: 200, body: { ok: false, error: 'users_list_not_supplied' } };
          if (users.includes(','))
            return { status: 200, body: { ok: false, error: 'not_implemented_in_fake' } };
          let channel = dmByUser.get(users);
          if (channel === undefined) {
            channel = `D${String(nextDm++).padStart(8, '0')}`;
            dmByUser.set(users, channel);
            userByDm.set(channel, users);
          }
          return { status: 200, body: { ok: true, channel: { id: channel } } };
        },
      },
      {
        name: 'chat.postMessage',
        method: 'POST',
        match: exactPath('/api/chat.postMessage'),
        handle(request) {
          const fields = fieldsOf(request.body);
          const channel = fields.channel;
          const text = fields.text;
          const userId = typeof channel === 'string' ? (userByDm.get(channel) ?? null) : null;
          if (typeof channel !== 'string' || (userId === null && !shared.has(channel)))
            return { status: 200, body: { ok: false, error: 'channel_not_found' } };
          if (typeof text !== 'string' || text === '')
            return { status: 200, body: { ok: false, error: 'no_text' } };
          const message: SlackMessage = {
            ts: `1767600000.${String(nextTs++).padStart(6, '0')}`,
            channel,
            userId,
            text,
          };
          delivered.push(message);
          return {
            status: 200,
            body: { ok: true, channel, ts: message.ts, message: { text, type: 'message' } },
          };
        },
      },
    ],
    authorize: (request) =>
      request.headers.authorization === `Bearer ${options.token}`
        ? null
        : { status: 200, body: { ok: false, error: 'invalid_auth' } },
    notFound: () => ({ status: 200, body: { ok: false, error: 'unknown_method' } }),
  });
  return { ...server, apiUrl: `${server.origin}/api/`, delivered };
}
