import {
  type FakePlatformServer,
  fieldsOf,
  type PlatformRequest,
  type ScriptedReply,
  startFakePlatformServer,
} from './fake-platform-server.js';
import { parseJson } from './http-fake.js';

/** A button of an inline keyboard, as the Bot API takes it (only callback buttons are served). */
export interface TelegramButton {
  text: string;
  callback_data: string;
}

/** A message the fake accepted: what reached the user. */
export interface TelegramMessage {
  messageId: number;
  chatId: string;
  text: string;
  /** The inline keyboard's rows as sent; null when the message had no `reply_markup`. */
  inlineKeyboard: TelegramButton[][] | null;
}

export interface FakeTelegramServer extends Omit<FakePlatformServer<'sendMessage'>, 'script'> {
  /** The `apiRoot` to give grammY (and the Telegram channel). */
  apiRoot: string;
  /** Every message accepted, in order. */
  delivered: TelegramMessage[];
  /** Queues replies for the next `sendMessage` calls. */
  script(next: ScriptedReply | ScriptedReply[]): void;
}

/** Bot API refusals as Telegram writes them: `{ ok: false, error_code, description, parameters }`. */
export const telegramReplies = {
  error(status: number, description: string, parameters?: Record<string, unknown>): ScriptedReply {
    return {
      status,
      body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
    };
  },
  blocked: () => telegramReplies.error(403, 'Forbidden: bot was blocked by the user'),
  deactivated: () => telegramReplies.error(403, 'Forbidden: user is deactivated'),
  chatNotFound: () => telegramReplies.error(400, 'Bad Request: chat not found'),
  rateLimited: (seconds: number) =>
    telegramReplies.error(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds }),
  serverError: () => telegramReplies.error(500, 'Internal Server Error'),
};

/**
 * A local Telegram Bot API (`POST /bot<token>/sendMessage`) over real HTTP, for grammY: a wrong
 * token is refused with 401 as Telegram does; script refusals, delays and resets; read
 * `delivered` for what reached users.
 *
 * @example
 * const fake = await startFakeTelegramServer({ token: '123:abc' });
 * fake.script(telegramReplies.blocked());
 * // ... new TelegramChannel({ token: '123:abc', apiRoot: fake.apiRoot, timeoutMs: 5000 }) ...
 */
export async function startFakeTelegramServer(options: {
  token: string;
  /** The port to listen on; by default one the system chooses. */
  port?: number;
}): Promise<FakeTelegramServer> {
  const delivered: TelegramMessage[] = [];
  let nextId = 1;
  const server = await startFakePlatformServer<'sendMessage'>({
    routes: [
      {
        name: 'sendMessage',
        method: 'POST',
        match: (path) => {
          const found = /^\/bot([^/]+)\/sendMessage$/.exec(path);
          return found ? { token: decodeURIComponent(found[1]!) } : null;
        },
        handle(request: PlatformRequest) {
          const fields = fieldsOf(request.body);
          const chatId = fields.chat_id;
          const text = fields.text;
          if ((typeof chatId !== 'string' && typeof chatId !== 'number') || typeof text !== 'string')
            return badRequest('chat_id and text are required');
          const keyboard = inlineKeyboardOf(fields.reply_markup);
          if (typeof keyboard === 'string') return badRequest(keyboard);
          const message: TelegramMessage = {
            messageId: nextId++,
            chatId: String(chatId),
            text,
            inlineKeyboard: keyboard,
          };
          delivered.push(message);
          return {
            status: 200,
            body: {
              ok: true,
              result: {
                message_id: message.messageId,
                date: Math.floor(Date.now() / 1000),
                chat: { id: Number(chatId), type: 'private' },
                text,
                ...(keyboard === null ? {} : { reply_markup: { inline_keyboard: keyboard } }),
              },
            },
          };
        },
      },
    ],
    authorize: (_request, params) =>
      params.token === options.token
        ? null
        : { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } },
    notFound: () => ({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } }),
    port: options.port,
  });
  return {
    ...server,
    apiRoot: server.origin,
    delivered,
    script: (next) => server.script('sendMessage', next),
  };
}

const badRequest = (problem: string) => ({
  status: 400,
  body: { ok: false, error_code: 400, description: `Bad Request: ${problem}` },
});

/**
 * The inline keyboard of a `reply_markup` (an object, or the JSON of one, as Telegram takes
 * both), null without one, or Telegram's complaint as a string: a button needs a text and
 * `callback_data` of 1 to 64 bytes (`BUTTON_DATA_INVALID`, as Telegram answers a longer one).
 */
function inlineKeyboardOf(markup: unknown): TelegramButton[][] | null | string {
  if (markup === undefined) return null;
  const parsed = typeof markup === 'string' ? parseJson(markup) : markup;
  const rows = fieldsOf(parsed).inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray))
    return "can't parse reply keyboard markup JSON object";
  const keyboard: TelegramButton[][] = [];
  for (const row of rows as unknown[][]) {
    const buttons: TelegramButton[] = [];
    for (const button of row) {
      const { text, callback_data: data } = fieldsOf(button);
      if (typeof text !== 'string' || text.trim() === '') return 'BUTTON_TEXT_INVALID';
      if (typeof data !== 'string') return 'text buttons are unallowed in the inline keyboard';
      const bytes = Buffer.byteLength(data, 'utf8');
      if (bytes < 1 || bytes > 64) return 'BUTTON_DATA_INVALID';
      buttons.push({ text, callback_data: data });
    }
    keyboard.push(buttons);
  }
  return keyboard;
}
