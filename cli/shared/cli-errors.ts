/**
 * Exit codes shared by `blob` and `kvstore` (documented in the README). Scripts branch on these, so
 * they never change meaning.
 */
export const EXIT = {
  OK: 0,
  /** Unexpected failure (a bug, or an AWS error not classified below). */
  FAILURE: 1,
  /** Bad usage: unknown flag, malformed S3 URI, bad range, expiry over 7 days, invalid SQL. */
  USAGE: 2,
  /** Configuration: unknown environment, stack outputs not found, no region. */
  CONFIG: 3,
  /** Credentials missing or rejected, or access denied. */
  AUTH: 4,
  /** The bucket, key, version or kvstore key does not exist. */
  NOT_FOUND: 5,
  /** A precondition failed: lock held, queue empty, value too large, conditional write lost. */
  CONFLICT: 6,
  /** Local I/O: unreadable source file, unwritable destination. */
  LOCAL_IO: 7,
  /** The service kept failing (throttling, 5xx, network) after every retry. */
  UNAVAILABLE: 8,
  /** Stopped by SIGINT (Ctrl-C): 128 + 2, as shells report it. */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  TERMINATED: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the user: one line on stderr, the given exit code, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** What to do about it, appended after the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }

  line(program: string): string {
    return `${program}: error: ${this.message}${this.hint ? ` (${this.hint})` : ''}`;
  }
}
