// Types of http-load.mjs, for the TypeScript evaluations that drive the service (eval/activity-dev).

export function assertLoopback(base: string): URL;

export function waitForHealth(
  base: string,
  options?: { timeoutMs?: number; isAlive?: () => boolean },
): Promise<void>;

export function sendBatches(options: {
  base: string;
  key: string;
  bodies: Buffer[];
  concurrency: number;
  timeoutMs?: number;
}): Promise<{
  seconds: number;
  latenciesMs: Float64Array;
  accepted: number;
  duplicates: number;
  bytesIn: number;
}>;

export function percentile(values: ArrayLike<number>, p: number): number;
