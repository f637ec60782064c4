/** Listen errors that are the flags' fault become bad input naming the flag; others stay defects. */
import { describe, expect, it } from 'vitest';
import { listenInputError } from '../../src/cli/listen-errors.js';
import { InputError } from '../../src/errors.js';

const failed = (code: string, syscall: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${syscall} ${code}`), { code, syscall });

describe('a server that cannot listen where its flags say', () => {
  const where = { portFlag: '--port', port: 8787, host: '192.0.2.1' };

  it.each([
    ['EADDRINUSE', 'listen', '--port port 8787 is in use; pick another or 0 for any free port'],
    [
      'EACCES',
      'listen',
      '--port port 8787 needs privileges to listen on; pick one above 1023, or 0 for any free port',
    ],
    ['EADDRNOTAVAIL', 'listen', '--host 192.0.2.1 is not an address of this machine'],
    ['ENOTFOUND', 'getaddrinfo', '--host 192.0.2.1 does not resolve to an address'],
    ['EAI_AGAIN', 'getaddrinfo', '--host 192.0.2.1 does not resolve to an address'],
  ])('%s on %s is bad input', (code, syscall, message) => {
    const error = listenInputError(failed(code, syscall), where);
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(message);
  });

  it('leaves every other error, and a failed look-up where no host was given, to the harness', () => {
    expect(listenInputError(failed('ECONNREFUSED', 'connect'), where)).toBeUndefined();
    expect(listenInputError(failed('EACCES', 'open'), where)).toBeUndefined();
    expect(listenInputError(new Error('boom'), where)).toBeUndefined();
    expect(listenInputError(undefined, where)).toBeUndefined();
    const noHost = { portFlag: '--providers-port', port: 0 };
    expect(listenInputError(failed('ENOTFOUND', 'getaddrinfo'), noHost)).toBeUndefined();
  });
});
