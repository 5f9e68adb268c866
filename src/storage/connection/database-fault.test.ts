import { describe, expect, it } from 'vitest';
import { databaseFault, unavailableError } from './database-fault.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('databaseFault', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', withCode('ECONNRESET')],
    [
      'a server shutting down (57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['a server starting (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', withCode('08006')],
    ['a session cut', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
    ['no answer to a statement', new Error('Query read timeout')],
    ['localhost refusing on every address', new AggregateError([withCode('ECONNREFUSED')], '')],
    ['a cause that is one', new Error('wrapped', { cause: withCode('ETIMEDOUT') })],
  ])('%s is unreachable', (_what, error) => {
    expect(databaseFault(error)).toBe('unreachable');
  });

  it.each([
    ['a statement timeout (57014)', withCode('57014', 'canceling statement due to statement timeout')],
    ['no connection slot left (53300)', withCode('53300')],
    ['no pooled connection free in time', new Error('timeout exceeded when trying to connect')],
  ])('%s is busy', (_what, error) => {
    expect(databaseFault(error)).toBe('busy');
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('%s is not a fault of the database being there', (_what, error) => {
    expect(databaseFault(error)).toBeUndefined();
  });

  it('becomes `unavailable` in words that do not name the server, the driver error kept as the cause', () => {
    const cause = withCode('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.7:5432');
    const error = unavailableError('unreachable', cause);
    expect(error).toMatchObject({ code: 'unavailable', cause });
    expect(error.message).not.toContain('10.0.0.7');
  });
});
