import { type ParseArgsConfig, parseArgs } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Why `serve` cannot start, in one line for the terminal. */
export class StartError extends Error {
  override name = 'StartError';
}

/** Parses a command's options; `--help` prints its usage. Unknown options are a usage error. */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  usage: string,
  options: T,
  allowPositionals = false,
): { values: Record<string, string | undefined>; positionals: string[] } | undefined {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    if (values.help) {
      console.log(usage);
      return undefined;
    }
    return { values: values as Record<string, string | undefined>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}
