/**
 * An event trigger that makes an auto-approved message each time a `custom` event named `ping`
 * arrives, with no cooldown: for tests about what happens after a decision (drafting, delivery,
 * outcomes). POST it to /v1/triggers, or pass it to `createTrigger`.
 */
export const PING_TRIGGER = {
  id: 'ping',
  name: 'Ping',
  spec: { kind: 'event', event: 'ping' },
  approval: 'auto',
  cooldownMinutes: 0,
} as const;
