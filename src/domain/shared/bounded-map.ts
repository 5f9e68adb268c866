/**
 * A map that keeps at most `capacity` entries, dropping the least recently used past that: for
 * caches held in memory per process (adapters, models, direct-message channels, unfinished
 * notifications), whose loss costs only a rebuild. A Map iterates in insertion order, so reading
 * an entry re-inserts it and the first key is always the least recent.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a whole number >= 1');
  }

  /** The entry, made the most recent; undefined when absent. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Sets the entry as the most recent, dropping the least recent one past the capacity. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  /** The entry, or the one `make` builds, which is kept. */
  getOrSet(key: K, make: () => V): V {
    const found = this.get(key);
    if (found !== undefined || this.#entries.has(key)) return found as V;
    const made = make();
    this.set(key, made);
    return made;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
