/**
 * @module cli/closed-output
 * Output the CLI cannot write. `failover-drill validate scenarios/*.yaml | head -1` closes the
 * pipe after one line, and the CLI's next write to it fails with EPIPE; `> /dev/full` fails
 * each write with ENOSPC. Node reports either as an `error` event on the stream, which with no
 * one listening ends the process with a stack trace and exit code 1, whatever the command found,
 * and before a drill has written its reports.
 *
 * The CLI listens instead. Node drops the later writes to a stream whose write failed, and the
 * command runs to its end, so its files are whole. A reader that has gone is no fault: a pipe to
 * `head` wants only the first lines, and the command exits with its own code. Any other write
 * error is: the command's output was lost, so it ends in one line on stderr (if stderr still
 * works) and exit code 3, the harness's failure, after the command has finished.
 */

/** The first write error of stdout or stderr other than EPIPE, as one line. */
let failure: string | undefined;

/** Watches `stream` (`process.stdout` or `process.stderr`, named `name`) for write errors. */
export function watchOutput(stream: NodeJS.WritableStream, name: 'stdout' | 'stderr'): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    failure ??= `failover-drill: cannot write to ${name}: ${error.message}; its output was lost`;
  });
}

/**
 * The line that says why the CLI's output was lost, if it was (a reader gone is not). A stream
 * reports a failed write on the next tick: this waits for the reports of the writes made so far.
 */
export async function lostOutput(): Promise<string | undefined> {
  await new Promise((resolve) => process.nextTick(resolve));
  return failure;
}
