/**
 * Runs `work` over `items`, at most `concurrency` at a time, in order of start; no new item is
 * started once `signal` aborts. `work` handles its own failures.
 */
export async function eachAtOnce<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
