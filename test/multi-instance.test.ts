import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  api,
  CliRunner,
  eventBatch,
  freePort,
  KEY_PATTERN,
  keysIn,
  PROJECT_ROOT,
  waitHealthy,
} from './helpers/cli.js';
import { useScratchDatabase } from './helpers/scratch-database.js';

const DATABASE_URL = process.env.DATABASE_URL;

const MIGRATIONS = readdirSync(join(PROJECT_ROOT, 'src', 'storage', 'migrations'))
  .filter((file) => file.endsWith('.sql'))
  .map((file) => file.replace(/\.sql$/, ''))
  .sort();

const TABLES = ['tenants', 'api_keys', 'characters', 'users', 'user_characters', 'events'];

// PostgreSQL only: several engine processes share one database, which needs a server that takes
// several connections from several processes (PGlite allows one process per data directory).
describe.skipIf(!DATABASE_URL)('several instances on one PostgreSQL database', () => {
  const cli = new CliRunner();
  /** A fresh, empty database for each test, dropped afterwards. */
  const scratch = useScratchDatabase(DATABASE_URL ?? '', 'mi', () => cli.cleanup());
  const query = scratch.query;

  it('applies each migration exactly once when four migrate processes start at once', async () => {
    const runs = await Promise.all(
      [1, 2, 3, 4].map(() =>
        cli.run(['migrate'], { DATABASE_URL: scratch.url, OVERTURE_POOL_SIZE: '2', LOG_LEVEL: 'warn' }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const reports = runs.map((run) => run.stdout.trim());
    expect(reports.filter((report) => report === `applied ${MIGRATIONS.join(', ')}`)).toHaveLength(1);
    expect(reports.filter((report) => report === 'database is up to date')).toHaveLength(3);

    const applied = await query(
      'select name, count(*)::int as n from schema_migrations group by name order by name',
    );
    expect(applied).toEqual(MIGRATIONS.map((name) => ({ name, n: 1 })));
    const tables = await query(
      "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual(expect.arrayContaining(TABLES));
  });

  it('bootstraps exactly one tenant and admin key when three serve processes start at once, and they share data', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const servers = ports.map((port) =>
      cli.start(['serve'], {
        DATABASE_URL: scratch.url,
        PORT: String(port),
        OVERTURE_POOL_SIZE: '3',
        LOG_LEVEL: 'warn',
      }),
    );
    await Promise.all(servers.map((proc, i) => waitHealthy(proc, ports[i]!)));

    expect(await query('select tenant_id from tenants')).toEqual([{ tenant_id: 'default' }]);
    expect(await query('select tenant_id from api_keys')).toEqual([{ tenant_id: 'default' }]);
    const printers = servers.filter((proc) => KEY_PATTERN.test(proc.stdout));
    expect(printers, servers.map((proc) => proc.output).join('\n')).toHaveLength(1);
    const keys = keysIn(printers[0]!.stdout);
    expect(keys).toHaveLength(1);
    const key = keys[0]!;

    const ingest = await api(ports[0]!, key, 'POST', '/v1/events', eventBatch(20, 4));
    expect(ingest.status).toBe(200);
    expect(ingest.body).toMatchObject({ accepted: 20 });

    const user = await api(ports[1]!, key, 'GET', '/v1/users/u2');
    expect(user.status).toBe(200);
    expect(user.body.activity).toMatchObject({ eventCount: 5, inboundCount: 5 });
    const resend = await api(ports[2]!, key, 'POST', '/v1/events', eventBatch(20, 4));
    expect(resend.body).toMatchObject({ accepted: 0, duplicates: 20 });

    for (const proc of servers) proc.child.kill('SIGTERM');
    for (const proc of servers) expect(await proc.waitForExit()).toEqual({ code: 0, signal: null });
  });
});
