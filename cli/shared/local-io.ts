import { CliError, EXIT } from './cli-errors';

/**
 * The one mapping from a Node file-system errno to the user's error line (exit 7, LOCAL_IO). Every
 * local read or write of `blob` and `kvstore` ends here, so a full disk, a missing directory or a
 * pseudo-filesystem all read the same way: "<what>: <why> <path> (<what to do>)".
 */
const TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory:',
  EACCES: 'permission denied:',
  EPERM: 'permission denied:',
  EISDIR: 'is a directory:',
  ENOTDIR: 'not a directory:',
  ENOSPC: 'no space left on device:',
  EDQUOT: 'disk quota exceeded:',
  EROFS: 'read-only file system:',
  EEXIST: 'already exists:',
  ELOOP: 'too many levels of symbolic links:',
  ENAMETOOLONG: 'file name too long:',
  EFBIG: 'file too large:',
  EIO: 'input/output error:',
  ENXIO: 'no such device or address:',
  ENODEV: 'no such device:',
  EBUSY: 'device or resource busy:',
  ETXTBSY: 'text file busy:',
  EMFILE: 'too many open files:',
  ENFILE: 'too many open files in system:',
  EXDEV: 'cross-device link:',
  // Writes into /proc and /sys files fail with EINVAL when the content is not what the kernel wants.
  EINVAL: 'invalid argument (pseudo-filesystem?):',
};

interface ErrnoLike {
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
  dest?: unknown;
}

/** True for an error from a local file-system call (it carries a syscall and a known errno). */
export function isLocalIoError(err: unknown): boolean {
  const e = (err ?? {}) as ErrnoLike;
  return typeof e.syscall === 'string' && typeof e.code === 'string' && e.code in TEXT;
}

/** The errno as exit 7 with one line; `path` names the file when the errno does not. */
export function localIoError(err: unknown, path?: string, what?: string): CliError {
  const e = (err ?? {}) as ErrnoLike;
  const code = typeof e.code === 'string' ? e.code : 'EIO';
  const where = typeof e.path === 'string' ? e.path : path;
  const prefix = what ? `${what}: ` : '';
  return new CliError(`${prefix}${TEXT[code] ?? `${code}:`}${where ? ` ${where}` : ''}`, EXIT.LOCAL_IO, hintFor(code));
}

/** A refusal about a local path that is not an errno (a symlink loop, a FIFO in get-dir…). */
export function localRefusal(message: string, hint: string): CliError {
  return new CliError(message, EXIT.LOCAL_IO, hint);
}

function hintFor(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return 'free space on the destination file system';
    case 'ENOENT':
      return 'check that the file, or the destination directory, exists';
    case 'EROFS':
    case 'EINVAL':
      return 'choose a destination on a writable file system (not /proc or /sys)';
    default:
      return 'check the local path and its permissions';
  }
}
