// Types of service.mjs, for the TypeScript evaluations that start the service (eval/activity-dev).

export function freePort(): Promise<number>;

export interface StartedService {
  pid: number | undefined;
  isAlive(): boolean;
  exitStatus(): { code: number | null; signal: string | null } | null;
  output(): string;
  stop(graceMs?: number): Promise<{ code: number | null; signal: string | null }>;
}

export function startService(options: {
  entry: string;
  env: Record<string, string>;
  nodeArgs?: string[];
}): StartedService;

export function procMemory(pid: number, field: string): number | null;
export function procCpuSeconds(pid: number): number | null;
export function machineCpuSeconds(): { busy: number; total: number };
export function sampleRss(pid: number, everyMs?: number): { stop(): number };

export interface ScratchDatabase {
  url: string;
  query(text: string): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

export function createScratchDatabase(serverUrl: string, name: string): Promise<ScratchDatabase>;
export function backgroundLoad(ms?: number): Promise<number>;

export interface PostgresCpu {
  backends: Map<string, number>;
  others: Map<string, number>;
}
export function postgresCpu(database: string): PostgresCpu;
export function postgresCpuDelta(
  before: PostgresCpu,
  after: PostgresCpu,
): { backends: number; others: number };
