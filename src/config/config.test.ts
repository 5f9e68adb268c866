import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfig } from './config.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.adminKey).toBeUndefined();
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      dataDir: './.overture',
      poolSize: 10,
      migrate: true,
      logLevel: 'info',
    });
  });

  it('reads each variable', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://localhost/x',
      OVERTURE_DATA_DIR: '/tmp/o',
      OVERTURE_ADMIN_KEY: 'a-long-enough-admin-key',
      OVERTURE_MIGRATE: 'false',
      LOG_LEVEL: 'warn',
      OVERTURE_TEST_CLOCK_FILE: '/tmp/clock',
    });
    expect(config).toMatchObject({
      port: 9000,
      databaseUrl: 'postgres://localhost/x',
      dataDir: '/tmp/o',
      adminKey: 'a-long-enough-admin-key',
      migrate: false,
      logLevel: 'warn',
      testClockFile: '/tmp/clock',
    });
  });

  it('bounds database waits by default, and takes 0 for no statement bound', () => {
    expect(loadConfig({})).toMatchObject({
      databaseConnectTimeoutMs: 5000,
      databaseStatementTimeoutMs: 10_000,
    });
    const config = loadConfig({
      OVERTURE_DATABASE_CONNECT_TIMEOUT_MS: '2000',
      OVERTURE_DATABASE_STATEMENT_TIMEOUT_MS: '0',
    });
    expect(config).toMatchObject({ databaseConnectTimeoutMs: 2000, databaseStatementTimeoutMs: 0 });
  });

  it("reads the outbound rules as comma-separated lists, trusting the operator's default tenant unless told", () => {
    expect(loadConfig({})).toMatchObject({ outboundTrustedTenants: ['default'], outboundAllow: [] });
    expect(
      loadConfig({
        OVERTURE_OUTBOUND_TRUSTED_TENANTS: 'default, ops',
        OVERTURE_OUTBOUND_ALLOW: '10.0.5.0/24,fd12::7, ollama.internal,*.svc.cluster.local',
      }),
    ).toMatchObject({
      outboundTrustedTenants: ['default', 'ops'],
      outboundAllow: ['10.0.5.0/24', 'fd12::7', 'ollama.internal', '*.svc.cluster.local'],
    });
    expect(loadConfig({ OVERTURE_OUTBOUND_TRUSTED_TENANTS: 'none' }).outboundTrustedTenants).toEqual([]);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '' });
    expect(config.port).toBe(8787);
    expect(config.databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: must be a whole number'],
    [{ PORT: '70000' }, 'PORT: '],
    [{ PORT: '80.5' }, 'PORT: must be a whole number'],
    [{ OVERTURE_ADMIN_KEY: 'short' }, 'OVERTURE_ADMIN_KEY: must be at least 16 characters'],
    [
      { OVERTURE_ADMIN_KEY: 'has a space in it!!' },
      'OVERTURE_ADMIN_KEY: must be printable ASCII without spaces',
    ],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: must start with postgres:// or postgresql://'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: '],
    [{ OVERTURE_MIGRATE: 'maybe' }, 'OVERTURE_MIGRATE: must be true or false'],
    [{ OVERTURE_DATABASE_CONNECT_TIMEOUT_MS: '0' }, 'OVERTURE_DATABASE_CONNECT_TIMEOUT_MS: '],
    [{ OVERTURE_DATABASE_STATEMENT_TIMEOUT_MS: '-1' }, 'OVERTURE_DATABASE_STATEMENT_TIMEOUT_MS: '],
    [
      { OVERTURE_OUTBOUND_ALLOW: '10.0.0.0/8,http://ollama:11434' },
      'OVERTURE_OUTBOUND_ALLOW (entry 2): each entry must be a CIDR range, an IP address, a host name or *.name',
    ],
    [{ OVERTURE_OUTBOUND_ALLOW: '10.0.0.0/33' }, 'OVERTURE_OUTBOUND_ALLOW (entry 1): '],
  ])('stops on %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(
      /PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/,
    );
  });
});

describe('resolveConfig', () => {
  it('names the field, not a variable, for configuration given in code', () => {
    expect(() => resolveConfig({ port: -1 })).toThrow('port: ');
  });
});
