#!/usr/bin/env node
import { ConfigError } from '../config/config.js';
import { OvertureError } from '../contract/errors.js';
import { DataDirLockedError } from '../storage/connection/data-dir-lock.js';
import { StartError, UsageError } from './args.js';

const USAGE = `Usage: overture <command> [options]

Commands:
  serve            run the engine behind its HTTP API (what npm start runs)
  migrate          apply pending database migrations, then exit
  tenants create   create a tenant and print its admin key

Run "overture <command> --help" for a command's options.
Configuration comes from environment variables; see README.md.`;

/** Each command's modules load when it runs: `--help` and `serve` (serve.ts) load only what they use. */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  serve: async (args) => (await import('./serve.js')).serveCommand(args),
  migrate: async (args) => (await import('./migrate.js')).migrateCommand(args),
  tenants: async (args) => (await import('./tenants.js')).tenantsCommand(args),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`overture: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Errors a person can act on are printed plainly; anything else with its stack.
    if (
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      error instanceof UsageError ||
      error instanceof StartError
    ) {
      console.error(`overture: ${error.message}`);
    } else if (error instanceof OvertureError && error.code === 'unavailable') {
      // the database out of reach: what the driver said (the operator's own address) on one line
      const cause = driverMessage(error.cause);
      console.error(`overture: ${error.message.replace(/; retry later$/, '')}${cause ? `: ${cause}` : ''}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  },
);

/** The driver's words for a failed connection (`localhost` fails once per address: the first). */
function driverMessage(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  if (cause.message) return cause.message;
  return cause instanceof AggregateError ? driverMessage(cause.errors[0]) : '';
}
