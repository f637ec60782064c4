/**
 * @module cli/listen-errors
 * A server that cannot listen where its flags say is bad input, not a defect of the harness:
 * a port in use or reserved, an address that is not this machine's. `serve`, `gateway` and
 * `drill`'s providers turn Node's listen errors into one line naming the flag.
 */
import { InputError } from '../errors.js';

/** The bad input a listen error stands for, or `undefined` if it stands for none. */
export function listenInputError(
  error: unknown,
  where: { readonly portFlag: string; readonly port: number; readonly host?: string },
): InputError | undefined {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  const { portFlag, port, host } = where;
  // Only a failed listen, or the look-up of the address to listen on, is the flags' fault.
  if (syscall !== 'listen' && !(syscall === 'getaddrinfo' && host !== undefined)) return undefined;
  switch (code) {
    case 'EADDRINUSE':
      return InputError.of(portFlag, `port ${port} is in use; pick another or 0 for any free port`);
    case 'EACCES':
      return InputError.of(
        portFlag,
        `port ${port} needs privileges to listen on; pick one above 1023, or 0 for any free port`,
      );
    case 'EADDRNOTAVAIL':
      return InputError.of('--host', `${host ?? 'the address'} is not an address of this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return InputError.of('--host', `${host ?? 'the host name'} does not resolve to an address`);
    default:
      return undefined;
  }
}
