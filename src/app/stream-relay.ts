import { z } from 'zod';
import { STREAM_EVENT_NAMES, type StreamEvent } from '../contract/stream-event.js';
import type { EngineEvents } from '../engine/kernel/events.js';
import type { EngineStream } from '../engine/kernel/stream.js';
import { StreamHub } from '../engine/kernel/stream.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Database } from '../storage/connection/database.js';
import type { NotifyChannel } from '../storage/connection/notify.js';

export interface StreamRelay extends EngineStream {
  /** Stops relaying; sends what other instances are still owed first. */
  close(): Promise<void>;
}

/** What another instance relayed: checked, since anything may NOTIFY on a channel. */
const RelayedEvent = z.object({
  type: z.enum(STREAM_EVENT_NAMES),
  data: z.looseObject({ tenantId: z.string() }),
  at: z.string(),
});
/** The events one instance emitted in one turn of its event loop, in order: one message. */
const RelayedBatch = z.object({ batch: z.array(RelayedEvent) });

/**
 * Feeds each tenant's stream: this instance's engine events at once, and on PostgreSQL the
 * other instances' through the database's LISTEN/NOTIFY channel `overture_stream_<schema hash>`
 * (storage/connection/notify.ts), each event once; the events of one turn of the event loop
 * travel as one message (`{batch}`), in order, split into frames only when large. On PGlite the events are this process's only, which is
 * all there is: one process holds a PGlite database.
 */
export async function startStreamRelay(resources: {
  events: EngineEvents;
  database: Database;
  clock: Clock;
  logger: Logger;
}): Promise<StreamRelay> {
  const { events, database, clock } = resources;
  const logger = resources.logger.child({ part: 'stream' });
  const hub = new StreamHub(logger);
  const channel: NotifyChannel | undefined = await database.openChannel?.('overture_stream', {
    logger,
    onMessage(body) {
      const batch = RelayedBatch.safeParse(body);
      if (batch.success) {
        for (const event of batch.data.batch) hub.deliver(event as StreamEvent);
        return;
      }
      const parsed = RelayedEvent.safeParse(body);
      if (parsed.success) hub.deliver(parsed.data as StreamEvent);
      else logger.warn({ issues: parsed.error.issues }, 'ignored a relayed stream event of an unknown shape');
    },
  });
  if (channel) logger.debug({ channel: channel.name, origin: channel.origin }, 'stream relay listening');
  // the events emitted in one turn of the event loop (an ingest batch's outcomes, say) go to the
  // other instances as one message, in order: one notification for many, not one each
  let pending: StreamEvent[] = [];
  const relayPending = () => {
    const batch = pending;
    pending = [];
    channel?.publish(batch.length === 1 ? batch[0] : { batch });
  };
  const offs = STREAM_EVENT_NAMES.map((type) =>
    events.on(type, (data) => {
      const event = { type, data, at: clock.now().toISOString() } as StreamEvent;
      hub.deliver(event);
      if (!channel) return;
      if (pending.length === 0) queueMicrotask(relayPending);
      pending.push(event);
    }),
  );
  return {
    subscribe: (tenantId, listener) => hub.subscribe(tenantId, listener),
    listenerCount: () => hub.listenerCount(),
    async close() {
      for (const off of offs) off();
      if (pending.length > 0) relayPending();
      await channel?.close();
    },
  };
}
