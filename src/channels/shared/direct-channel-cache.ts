/**
 * The direct-message channel opened for each user, most recently used kept: a retry or the next
 * message to the same user posts at once instead of opening the channel again (one request
 * fewer against the platform's rate limits). Bounded, per adapter, in memory; losing it costs
 * only a reopen.
 */
export class DirectChannelCache {
  readonly #channels = new Map<string, string>();

  constructor(readonly capacity = 1000) {}

  get(userId: string): string | undefined {
    const channelId = this.#channels.get(userId);
    if (channelId !== undefined) {
      // A Map iterates in insertion order: re-inserting makes this the most recent.
      this.#channels.delete(userId);
      this.#channels.set(userId, channelId);
    }
    return channelId;
  }

  set(userId: string, channelId: string): void {
    this.#channels.delete(userId);
    this.#channels.set(userId, channelId);
    if (this.#channels.size > this.capacity) {
      const oldest = this.#channels.keys().next();
      if (!oldest.done) this.#channels.delete(oldest.value);
    }
  }

  delete(userId: string): void {
    this.#channels.delete(userId);
  }

  get size(): number {
    return this.#channels.size;
  }
}
