import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { toErrorResponse } from './errors.js';
import { createLogger } from './logger.js';

const HASH = '$argon2id$v=19$m=19456,p=1,t=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA';

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('test', 'info', destination), lines };
}

function failedInsert(sqlState: string) {
  const driverError = Object.assign(new Error('database refused the row'), { code: sqlState });
  return new QueryFailedError(
    'INSERT INTO users (username, password_hash, display_name) VALUES ($1, $2, $3)',
    ['someone', HASH, 'a name'],
    driverError,
  );
}

/** A row PostgreSQL refused with a check: its error's detail repeats the row, hash included. */
function refusedRow() {
  const detail = `Failing row contains (0b7e..., someone, ${HASH}, a name, {bidder}).`;
  const driverError = Object.assign(new Error('new row for relation "users" violates check constraint'), {
    code: '23514',
    detail,
    table: 'users',
    constraint: 'users_display_name_check',
  });
  return new QueryFailedError(
    'INSERT INTO users (username, password_hash, display_name) VALUES ($1, $2, $3)',
    ['someone', HASH, 'a name'],
    driverError,
  );
}

describe('errors that reach the database', () => {
  it("logs a refused row's error without the row PostgreSQL repeats in its detail", () => {
    const { logger, lines } = capturingLogger();
    const error = refusedRow();
    // Both where TypeORM copies the detail (the error itself) and where it keeps the driver's.
    expect((error as unknown as { detail: string }).detail).toContain(HASH);
    logger.error({ err: error }, 'a statement failed');
    const { status, body } = toErrorResponse(refusedRow(), logger);
    // A check violation is the client's input: 400, naming the rule, never the row.
    expect({ status, code: body.code, details: body.details }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: ['users_display_name_check'],
    });
    const logged = lines.join('');
    expect(lines).toHaveLength(2);
    expect(logged).not.toContain(HASH);
    expect(logged).not.toContain('Failing row');
    expect(logged).not.toContain('someone');
    // What says which rule refused it stays.
    expect(logged).toContain('users_display_name_check');
  });

  it('logs an unexpected failed statement with its error id, never its parameters', () => {
    const { logger, lines } = capturingLogger();
    const { status, body } = toErrorResponse(failedInsert('XX000'), logger);
    expect(status).toBe(500);
    expect(body.code).toBe('INTERNAL_ERROR');
    const logged = lines.join('');
    expect(logged).toContain(body.message.match(/id ([0-9a-f-]+)/)![1]);
    expect(logged).not.toContain(HASH);
    expect(logged).not.toContain('someone');
    expect(logged).toContain('[redacted]');
  });

  it.each(['22021', '22P05'])(
    'answers text PostgreSQL cannot store (%s) with 400 VALIDATION_FAILED, logging nothing',
    (sqlState) => {
      const { logger, lines } = capturingLogger();
      const { status, body } = toErrorResponse(failedInsert(sqlState), logger);
      expect({ status, code: body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(lines).toEqual([]);
    },
  );

  it.each([
    [
      'a pool connection refused: too many clients',
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
    ],
    ['a statement on a server starting up', failedInsert('57P03')],
    [
      'no server listening',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
  ])('answers %s with 503 SERVICE_UNAVAILABLE and a retry hint, logging only the code', (_, error) => {
    const { logger, lines } = capturingLogger();
    const { status, body } = toErrorResponse(error, logger);
    expect({ status, body }).toEqual({
      status: 503,
      body: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'the service is busy: try again in a moment',
        details: { retryAfterSeconds: 1 },
      },
    });
    expect(lines.join('')).not.toContain(HASH);
    expect(lines.join('')).not.toContain('someone');
  });
});
