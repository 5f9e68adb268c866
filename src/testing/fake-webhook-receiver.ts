import {
  HOOK_SIGNATURE_HEADER,
  HOOK_TIMESTAMP_HEADER,
  type HookVerification,
  verifyHook,
} from '../contract/hook-signature.js';
import {
  exactPath,
  type FakePlatformServer,
  fieldsOf,
  type ScriptedReply,
  startFakePlatformServer,
} from './fake-platform-server.js';

/** The receiver's one route. */
export type WebhookRoute = 'delivery';

/** A delivery the receiver accepted: once per `X-Overture-Delivery`. */
export interface WebhookMessage {
  /** The receiver's id for it, answered as `{ id }`. */
  id: string;
  deliveryId: string;
  address: string;
  text: string;
  /** The body's `choices`, in order; empty when it had none. */
  choices: { label: string; data: string }[];
  /** The parsed body, as sent. */
  body: Record<string, unknown>;
}

export interface FakeWebhookReceiver extends Omit<FakePlatformServer<WebhookRoute>, 'script'> {
  /** The `url` to give the webhook channel: `<origin>/overture`. */
  url: string;
  /** Every delivery accepted, in order; a repeated `X-Overture-Delivery` is answered but not added. */
  delivered: WebhookMessage[];
  /** How the signature of each call to the route checked out, in order. */
  verifications: HookVerification[];
  /** Queues replies for the next calls. */
  script(next: ScriptedReply | ScriptedReply[]): void;
}

/**
 * A bot's endpoint for webhook deliveries, as docs/CHANNELS.md tells one to be written: it
 * checks the signature and timestamp with `verifyHook` (401 when they fail), and deduplicates
 * by `X-Overture-Delivery`, answering a repeat with the first one's id. `now` is its clock
 * (default: the wall clock), for the 5-minute timestamp window.
 */
export async function startFakeWebhookReceiver(options: {
  secret: string;
  now?: () => Date;
}): Promise<FakeWebhookReceiver> {
  const delivered: WebhookMessage[] = [];
  const verifications: HookVerification[] = [];
  const now = options.now ?? (() => new Date());
  let nextId = 1;

  const server = await startFakePlatformServer<WebhookRoute>({
    routes: [
      {
        name: 'delivery',
        method: 'POST',
        match: exactPath('/overture'),
        handle(request) {
          const deliveryId = request.headers['x-overture-delivery'];
          const body = fieldsOf(request.body);
          if (deliveryId === undefined || deliveryId !== body.deliveryId)
            return {
              status: 400,
              body: { error: 'X-Overture-Delivery must name the deliveryId of the body' },
            };
          const earlier = delivered.find((m) => m.deliveryId === deliveryId);
          if (earlier) return { status: 200, body: { id: earlier.id, duplicate: true } };
          const message: WebhookMessage = {
            id: `msg-${nextId++}`,
            deliveryId,
            address: String(body.address),
            text: String(body.text),
            choices: Array.isArray(body.choices)
              ? body.choices.map((c) => ({
                  label: String(fieldsOf(c).label),
                  data: String(fieldsOf(c).data),
                }))
              : [],
            body,
          };
          delivered.push(message);
          return { status: 200, body: { id: message.id } };
        },
      },
    ],
    authorize(request) {
      const verification = verifyHook(
        options.secret,
        {
          timestamp: request.headers[HOOK_TIMESTAMP_HEADER],
          signature: request.headers[HOOK_SIGNATURE_HEADER],
          rawBody: request.rawBody,
        },
        now().getTime(),
      );
      verifications.push(verification);
      return verification.valid ? null : { status: 401, body: { error: verification.problem } };
    },
    notFound: () => ({ status: 404, body: { error: 'not found' } }),
  });
  return {
    ...server,
    url: `${server.origin}/overture`,
    delivered,
    verifications,
    script: (next) => server.script('delivery', next),
  };
}
