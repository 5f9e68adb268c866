#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startFakeTelegramServer } from './fake-telegram-server.js';

// A stand-in for Telegram's Bot API in a terminal, for the README's tour:
//   node dist/testing/fake-telegram-main.js --port 8788 [--token 123:abc]
// prints every message that reaches it, until Ctrl-C.

const USAGE = `Usage: node dist/testing/fake-telegram-main.js [--port N] [--token T]

A local fake of Telegram's Bot API (sendMessage) on 127.0.0.1; prints each message it accepts.
  --port N    port to listen on (default: one the system chooses; the address is printed)
  --token T   the bot token it accepts (default 123456:replace-with-your-bot-token)`;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    token: { type: 'string', default: '123456:replace-with-your-bot-token' },
    help: { type: 'boolean', default: false },
  },
});
const port = values.port === undefined ? undefined : Number(values.port);
if (values.help || (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535))) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const fake = await startFakeTelegramServer({ token: values.token, port });
console.log('fake Telegram Bot API at', fake.apiRoot);
setInterval(() => {
  for (const message of fake.delivered.splice(0)) {
    console.log(`message to chat ${message.chatId}: ${message.text}`);
    // a funnel step's buttons, each with the callback data a bot forwards to POST /v1/callbacks
    for (const button of (message.inlineKeyboard ?? []).flat())
      console.log(`button [${button.text}] ${button.callback_data}`);
  }
}, 100);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void fake.close().then(() => process.exit(0)));
