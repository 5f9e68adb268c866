import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  type CliProcess,
  CliRunner,
  eventBatch,
  freePort,
  KEY_PATTERN,
  keysIn,
  logLines,
  waitHealthy,
} from './helpers/cli.js';

// These tests run the real CLI (`node --import tsx src/cli/main.ts ...`) in child processes on
// the embedded PGlite database; DATABASE_URL and other configuration of the parent are not passed on.

describe('overture CLI arguments and configuration', () => {
  const cli = new CliRunner();
  afterEach(() => cli.cleanup());

  it.each([
    ['the top level', ['--help'], /Usage: overture <command>/],
    ['serve', ['serve', '--help'], /Usage: overture serve/],
    ['migrate', ['migrate', '--help'], /Usage: overture migrate/],
    ['tenants', ['tenants', '--help'], /Usage: overture tenants create <tenantId>/],
  ])('prints the usage of %s for --help and exits 0', async (_name, args, usage) => {
    const result = await cli.run(args, { OVERTURE_DATA_DIR: 'memory://' });
    expect(result.stdout).toMatch(usage);
    expect(result.code).toBe(0);
  });

  it('exits 2 with the usage for an unknown command', async () => {
    const result = await cli.run(['frobnicate'], { OVERTURE_DATA_DIR: 'memory://' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toMatch(/Usage: overture <command>/);
  });

  it.each([
    ['PORT', 'abc'],
    ['OVERTURE_ADMIN_KEY', 'short'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses to start with a bad %s, naming the variable, and exits 1', async (variable, value) => {
    const result = await cli.run(['serve'], { OVERTURE_DATA_DIR: 'memory://', [variable]: value });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${variable}:`);
    expect(result.stdout).not.toMatch(/listening/);
  });

  it('exits 1 with one line, not a driver stack, when the database is unreachable at start', async () => {
    const nothing = await freePort(); // nothing listens there
    const result = await cli.run(['serve'], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${nothing}/overture`,
      PORT: String(await freePort()),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^overture: the database is unreachable: connect ECONNREFUSED 127\\.0\\.0\\.1:${nothing}\n$`,
      ),
    );
    expect(result.stdout).not.toMatch(/listening/);
  });
});

describe('overture serve, migrate and tenants on a PGlite data directory', () => {
  const cli = new CliRunner();
  /**
   * Data directories made once and copied for each test: initdb takes seconds and ~700 MB, a
   * copy is instant. `empty` holds a database PGlite has initialised, nothing else; `migrated`
   * the same with every migration applied and nothing else (no tenant, no key), as the template
   * a build makes (src/storage/connection/pglite-template.ts) is: a new data directory is a copy
   * of that one when the CLI runs built.
   */
  const templates = { empty: '', migrated: '' };
  const templateRunner = new CliRunner();

  beforeAll(async () => {
    templates.empty = templateRunner.tempDir('overture-template-');
    templates.migrated = templateRunner.tempDir('overture-template-');
    // one process for both: its start, and PGlite's, cost more than a migration
    const init = templateRunner.spawnNode([
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { cpSync } from 'node:fs';
       import { PGlite } from '@electric-sql/pglite';
       import { migrateToLatest } from './src/storage/connection/migrator.ts';
       import { wrapPglite } from './src/storage/connection/pglite.ts';
       const [empty, migrated] = process.argv.slice(1);
       const initialised = new PGlite(empty);
       await initialised.waitReady;
       await initialised.close();
       cpSync(empty, migrated, { recursive: true });
       const pglite = new PGlite(migrated);
       const database = wrapPglite(pglite, () => pglite.close());
       await migrateToLatest(database.db);
       await database.close();`,
      join(templates.empty, 'pgdata'),
      join(templates.migrated, 'pgdata'),
    ]);
    const exit = await init.waitForExit();
    expect(exit.code, init.output).toBe(0);
  });
  afterAll(() => templateRunner.cleanup());
  afterEach(() => cli.cleanup());

  /** A new data directory holding an empty, never migrated database. */
  function emptyDataDir(): string {
    const dir = cli.tempDir();
    cpSync(templates.empty, dir, { recursive: true });
    return dir;
  }

  /** A new data directory holding a migrated database with nothing in it yet: no tenant, no key. */
  function migratedDataDir(): string {
    const dir = cli.tempDir();
    cpSync(templates.migrated, dir, { recursive: true });
    return dir;
  }

  async function serve(dataDir: string, env: Record<string, string> = {}) {
    const port = await freePort();
    const proc = cli.start(['serve'], {
      OVERTURE_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    });
    await waitHealthy(proc, port);
    return { proc, port };
  }

  async function stop(proc: CliProcess) {
    proc.child.kill('SIGTERM');
    return proc.waitForExit();
  }

  it('on a fresh data directory prints the admin key once, never logs it, and exits 0 on SIGTERM, removing its lock', async () => {
    const dataDir = join(cli.tempDir(), 'data', 'overture'); // does not exist yet
    const { proc, port } = await serve(dataDir, { LOG_LEVEL: 'trace' });

    const key = proc.stdout.match(KEY_PATTERN)?.[0];
    expect(key, proc.output).toBeDefined();
    expect(existsSync(join(dataDir, 'overture.lock'))).toBe(true);

    const tenant = await api(port, key!, 'GET', '/v1/tenant');
    expect(tenant.status).toBe(200);
    expect(tenant.body).toMatchObject({ tenantId: 'default', key: { scopes: expect.any(Array) } });
    const ingest = await api(port, key!, 'POST', '/v1/events', eventBatch(3));
    expect(ingest.status).toBe(200);

    expect(await stop(proc)).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'overture.lock'))).toBe(false);
    // Requests with the key were logged at trace level; the key itself appears only where printed.
    expect(logLines(proc.stdout).some((line) => line.msg === 'incoming request')).toBe(true);
    expect(proc.output.split(key!).length - 1).toBe(1);
  });

  it('finishes a batch that is in flight when SIGTERM arrives, answers it, then exits 0', async () => {
    const { proc, port } = await serve(migratedDataDir());
    const key = proc.stdout.match(KEY_PATTERN)![0];
    const body = Buffer.from(JSON.stringify(eventBatch(1000)));
    const half = Math.floor(body.length / 2);

    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/events',
      agent: false,
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'content-length': body.length,
      },
    });
    const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });

    // Send the headers and half the body; once the server has taken the request in, SIGTERM it,
    // and only after it has begun shutting down send the rest: the request is surely in flight.
    req.write(body.subarray(0, half));
    const logged = (msg: string, url?: string) => (stdout: string) =>
      logLines(stdout).some((line) => line.msg === msg && (url === undefined || line.req?.url === url));
    await proc.waitForOutput(logged('incoming request', '/v1/events'), 'the request log of POST /v1/events');
    proc.child.kill('SIGTERM');
    await proc.waitForOutput(logged('shutting down'), 'the shutdown log line');
    req.end(body.subarray(half));

    const answered = await response;
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ accepted: 1000, duplicates: 0 });
    expect(await proc.waitForExit()).toEqual({ code: 0, signal: null });
    expect(proc.stdout).not.toContain('did not finish in time');
    const lines = logLines(proc.stdout);
    const incoming = lines.find((line) => line.msg === 'incoming request' && line.req?.url === '/v1/events');
    const completed = lines.findIndex(
      (line) => line.msg === 'request completed' && line.reqId === incoming?.reqId,
    );
    expect(lines.findIndex((line) => line.msg === 'shutting down')).toBeLessThan(completed);
  });

  it('keeps its data and admin key across a restart, without printing a new key', async () => {
    const dataDir = migratedDataDir();
    const first = await serve(dataDir);
    const key = first.proc.stdout.match(KEY_PATTERN)![0];
    const ingest = await api(first.port, key, 'POST', '/v1/events', eventBatch(50, 5));
    expect(ingest.body).toMatchObject({ accepted: 50 });
    expect(await stop(first.proc)).toEqual({ code: 0, signal: null });

    const second = await serve(dataDir);
    expect(second.proc.output).not.toMatch(KEY_PATTERN);
    const tenant = await api(second.port, key, 'GET', '/v1/tenant');
    expect(tenant.status).toBe(200);
    expect(tenant.body.tenantId).toBe('default');
    const user = await api(second.port, key, 'GET', '/v1/users/u3');
    expect(user.status).toBe(200);
    expect(user.body.activity).toMatchObject({ eventCount: 10, inboundCount: 10 });
    const again = await api(second.port, key, 'POST', '/v1/events', eventBatch(50, 5));
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 50 });
    expect(await stop(second.proc)).toEqual({ code: 0, signal: null });
  });

  it('refuses a second serve on a data directory in use, saying so, and exits 1', async () => {
    const dataDir = migratedDataDir();
    const first = await serve(dataDir);

    const second = await cli.run(['serve'], { OVERTURE_DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/data directory .* is in use by process \d+/);
    expect(second.stderr).toContain(dataDir);
    expect(second.stdout).not.toMatch(KEY_PATTERN);

    // The first one is unharmed and still owns the lock.
    const lock = JSON.parse(readFileSync(join(dataDir, 'overture.lock'), 'utf8'));
    expect(lock).toEqual({ pid: first.proc.pid, host: hostname() });
    const key = first.proc.stdout.match(KEY_PATTERN)![0];
    expect((await api(first.port, key, 'GET', '/v1/tenant')).status).toBe(200);
    expect(await stop(first.proc)).toEqual({ code: 0, signal: null });
  });

  it('exits 1 with one line when its port is in use, holding nothing, and shows the admin key on the next start', async () => {
    const dataDir = migratedDataDir();
    const blocker = createNetServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    let refused: Awaited<ReturnType<typeof cli.run>>;
    try {
      refused = await cli.run(['serve'], { OVERTURE_DATA_DIR: dataDir, PORT: String(port) });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`^overture: cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use.*\n$`),
    );
    expect(refused.stdout).toBe('');
    expect(existsSync(join(dataDir, 'overture.lock'))).toBe(false);

    // The first start that listens is the one that creates and shows the admin key.
    const { proc, port: servedOn } = await serve(dataDir);
    const key = proc.stdout.match(KEY_PATTERN)?.[0];
    expect(key, proc.output).toBeDefined();
    expect((await api(servedOn, key!, 'GET', '/v1/tenant')).status).toBe(200);
    expect(await stop(proc)).toEqual({ code: 0, signal: null });
  });

  it('takes over a lock file left by a process that no longer runs', async () => {
    const dataDir = migratedDataDir();
    const deadPid = 999999;
    expect(() => process.kill(deadPid, 0)).toThrow(); // no such process on this machine
    writeFileSync(join(dataDir, 'overture.lock'), JSON.stringify({ pid: deadPid, host: hostname() }));

    const { proc } = await serve(dataDir);
    const lock = JSON.parse(readFileSync(join(dataDir, 'overture.lock'), 'utf8'));
    expect(lock).toEqual({ pid: proc.pid, host: hostname() });
    expect(await stop(proc)).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'overture.lock'))).toBe(false);
  });

  it('tenants create prints a key that works for the new tenant once serve starts', async () => {
    const dataDir = migratedDataDir();
    const created = await cli.run(['tenants', 'create', 'acme', '--name', 'Acme Inc'], {
      OVERTURE_DATA_DIR: dataDir,
    });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('created tenant "acme"');
    // on an empty database the default tenant's key is printed first; take the one after acme's line
    const key = created.stdout.split('created tenant "acme"')[1]?.match(KEY_PATTERN)?.[0];
    expect(key).toBeDefined();
    expect(existsSync(join(dataDir, 'overture.lock'))).toBe(false);

    const { proc, port } = await serve(dataDir);
    const tenant = await api(port, key!, 'GET', '/v1/tenant');
    expect(tenant.status).toBe(200);
    expect(tenant.body).toMatchObject({ tenantId: 'acme', name: 'Acme Inc' });
    expect(await stop(proc)).toEqual({ code: 0, signal: null });
  });

  it('tenants create as the first command on a fresh database leaves no admin key that was never shown', async () => {
    const dataDir = migratedDataDir();
    const created = await cli.run(['tenants', 'create', 'acme'], { OVERTURE_DATA_DIR: dataDir });
    expect(created.code, created.stderr).toBe(0);
    const { proc } = await serve(dataDir);
    expect(await stop(proc)).toEqual({ code: 0, signal: null });
    const shown = new Set([...keysIn(created.stdout), ...keysIn(proc.stdout)]);

    // Every admin key stored must have been printed to someone, by `tenants create` or `serve`.
    const query = cli.spawnNode([
      '--input-type=module',
      '-e',
      `import { PGlite } from '@electric-sql/pglite';
       const db = new PGlite(process.argv[1]);
       const { rows } = await db.query('select tenant_id, name from api_keys order by tenant_id');
       console.log(JSON.stringify(rows));
       await db.close();`,
      join(dataDir, 'pgdata'),
    ]);
    expect((await query.waitForExit(60_000)).code, query.output).toBe(0);
    const stored = JSON.parse(query.stdout) as { tenant_id: string; name: string }[];
    expect(stored.length, `stored keys: ${JSON.stringify(stored)}; shown: ${shown.size}`).toBe(shown.size);
  });

  it('migrate applies the pending migrations on a fresh database, then reports it up to date', async () => {
    const dataDir = emptyDataDir();
    const first = await cli.run(['migrate'], { OVERTURE_DATA_DIR: dataDir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('applied 0001_foundation');
    const second = await cli.run(['migrate'], { OVERTURE_DATA_DIR: dataDir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('database is up to date');
    expect(second.stdout).not.toContain('applied');
    expect(existsSync(join(dataDir, 'overture.lock'))).toBe(false);
  });
});
