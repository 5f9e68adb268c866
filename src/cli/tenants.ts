import { loadConfig } from '../config/config.js';
import { parseCommand, UsageError } from './args.js';

const USAGE = `Usage: overture tenants create <tenantId> [--name NAME]

Creates a tenant and prints its admin key (shown only this once). Tenant ids are 1-63
lowercase letters, digits or -. Uses the same database settings as "overture serve".`;

export async function tenantsCommand(args: string[]): Promise<number> {
  const parsed = parseCommand(args, USAGE, { name: { type: 'string' } }, true);
  if (!parsed) return 0;
  const [action, tenantId, ...extra] = parsed.positionals;
  if (action !== 'create' || tenantId === undefined || extra.length > 0) throw new UsageError(USAGE);
  // loaded once the arguments are read: `tenants --help` and a usage error need no engine
  const { createEngine } = await import('../app/create-engine.js');
  const engine = await createEngine({ ...loadConfig(process.env), logLevel: 'warn', scheduler: false });
  try {
    if (engine.bootstrap.kind === 'created') {
      // The database was empty: opening it created the default tenant too, whose key must be seen once.
      console.log(
        `created tenant "${engine.bootstrap.tenantId}" (the database was empty); its admin key (shown only this once):\n\n  ${engine.bootstrap.adminKey}\n`,
      );
    }
    const { adminKey } = await engine.createTenant({ tenantId, name: parsed.values.name });
    console.log(`created tenant "${tenantId}"; its admin key (shown only this once):\n\n  ${adminKey.key}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
