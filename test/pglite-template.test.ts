import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/ports/logger.js';
import { migrationsDigest } from '../src/storage/connection/migrator.js';
import { makePgliteTemplate, openPglite } from '../src/storage/connection/pglite.js';

// A new PGlite data directory is copied from a pre-migrated template (made by `npm run build`)
// instead of running initdb and every migration; a template made from other migrations is not used.
// PGlite only: the template is the embedded database's.

/** A logger that keeps the messages it is given. */
function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const logger = {
    messages,
    info: (_fields: object, message?: string) => messages.push(message ?? ''),
    warn: (_fields: object, message?: string) => messages.push(message ?? ''),
    error: (_fields: object, message?: string) => messages.push(message ?? ''),
    debug: () => {},
    child: () => logger,
  };
  return logger as unknown as Logger & { messages: string[] };
}

describe('a new PGlite data directory', () => {
  let root: string;
  let template: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'overture-template-test-'));
    template = join(root, 'template');
    await makePgliteTemplate(template);
    // A table no migration makes: a directory that has it was copied from this template.
    const probe = new PGlite(join(template, 'pgdata'));
    await probe.exec('create table template_probe (id int)');
    await probe.close();
  }, 180_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function tables(dataDir: string, templateDir: string, logger?: Logger) {
    const database = await openPglite(dataDir, { templateDir, logger });
    try {
      const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = 'public'`.execute(database.db);
      const migrations = await sql<{ name: string }>`select name from schema_migrations`.execute(database.db);
      return { tables: rows.map((r) => r.name), migrations: migrations.rows.length };
    } finally {
      await database.close();
    }
  }

  it('is a copy of the template, every migration applied, and opens again as it was', async () => {
    const dataDir = join(root, 'copied');
    const logger = recordingLogger();
    const first = await tables(dataDir, template, logger);
    expect(first.tables).toContain('template_probe');
    expect(first.tables).toContain('tenants');
    expect(first.migrations).toBeGreaterThan(0);
    expect(logger.messages.join('\n')).not.toMatch(/initdb/);
    expect(existsSync(join(dataDir, 'pgdata.creating'))).toBe(false);

    const again = await tables(dataDir, template);
    expect(again).toEqual(first);
  });

  it('is made by initdb, saying why, when the template was made from other migrations', async () => {
    const stale = join(root, 'stale');
    rmSync(stale, { recursive: true, force: true });
    mkdirSync(stale);
    writeFileSync(join(stale, 'template.json'), JSON.stringify({ migrations: 'made-from-other-migrations' }));
    // The stale template's cluster would be used if the digest were not checked.
    mkdirSync(join(stale, 'pgdata'));
    writeFileSync(join(stale, 'pgdata', 'PG_VERSION'), 'not a cluster');
    const logger = recordingLogger();

    const dataDir = join(root, 'from-initdb');
    const database = await openPglite(dataDir, { templateDir: stale, logger });
    await database.close();
    expect(logger.messages.join('\n')).toMatch(
      /initdb: the pre-migrated template was made from other migrations/,
    );
    expect(readFileSync(join(dataDir, 'pgdata', 'PG_VERSION'), 'utf8')).not.toBe('not a cluster');
  }, 180_000);

  it('records the digest of the migrations it was made from', async () => {
    const manifest = JSON.parse(readFileSync(join(template, 'template.json'), 'utf8'));
    expect(manifest).toEqual({ migrations: await migrationsDigest() });
  });

  it('is made again when a start that was creating it died halfway', async () => {
    const dataDir = join(root, 'interrupted');
    mkdirSync(join(dataDir, 'pgdata'), { recursive: true });
    writeFileSync(join(dataDir, 'pgdata', 'PG_VERSION'), '18'); // a cluster cut short
    writeFileSync(join(dataDir, 'pgdata.creating'), '');

    const result = await tables(dataDir, template);
    expect(result.tables).toContain('template_probe');
    expect(existsSync(join(dataDir, 'pgdata.creating'))).toBe(false);
  });
});
