import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { EXIT } from '../../../cli/shared/cli-errors';
import { blob, cliEnv, createVersionedBucket, ensureBlobBuilt, ROOT, run, RunResult, s3For, shellWorkspace } from '../../cli/blob-harness';
import { MotoServer, startMoto } from '../../support/moto';

/**
 * Issue 14 classes 1 and 2, as a table: each bad (or unusual) local destination or source, run
 * through the real CLI. Every case asserts the exit code, the exact stderr (one line, or none),
 * and that nothing was lost: the special file is still what it was, a link is still a link, no
 * temporary file is left, the previous local file or object version is intact.
 */
const BUCKET = 'local-edges';
const ws = shellWorkspace();
const W = ws.dir;
let moto: MotoServer;
let s3: S3Client;
let socketServer: Server;
const p = (...parts: string[]): string => join(W, ...parts);
const kind = (path: string): string => {
  const st = lstatSync(path);
  return st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'char' : st.isDirectory() ? 'dir' : st.isSocket() ? 'socket' : 'file';
};
const noPartials = (dir: string): void => expect(readdirSync(dir).filter((f) => f.includes('.blob-partial-'))).toEqual([]);
const mkfifo = (path: string): void => {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed`);
};
const isRoot = process.getuid?.() === 0;
/** As root every file is readable: permission cases run the CLI as "nobody" (setpriv). */
const asUnprivileged = (args: string[]): Promise<RunResult> =>
  isRoot
    ? run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(ROOT, 'dist', 'blob.cjs'), ...args], { env: cliEnv(moto.endpoint), cwd: W })
    : blob(args, { env: cliEnv(moto.endpoint), cwd: W });

interface LocalCase {
  readonly name: string;
  /** Prepares the local side (runs before the CLI). */
  readonly setup?: () => void | Promise<void>;
  readonly run: () => Promise<RunResult>;
  readonly exit: number;
  /** The exact stderr: one line, or '' for none. */
  readonly stderr: string;
  /** Nothing lost: the destination, the source and the bucket as they must be afterwards. */
  readonly check: (r: RunResult) => void | Promise<void>;
}

const b = (args: string[]): Promise<RunResult> => blob(args, { env: cliEnv(moto.endpoint), cwd: W });
const obj = (key: string): string => `s3://${BUCKET}/${key}`;

const CASES: LocalCase[] = [
  // Class 1: never destroy a destination that is not a regular file.
  {
    name: '/dev/null as DST is written, not replaced',
    run: () => b(['get', obj('hello.txt'), '/dev/null']),
    exit: 0,
    stderr: '',
    check: () => expect(kind('/dev/null')).toBe('char'),
  },
  {
    name: 'a FIFO as DST is streamed into and stays a FIFO',
    setup: () => mkfifo(p('fifo1')),
    run: async () => {
      const reader = run('cat', [p('fifo1')]);
      const r = await b(['get', obj('hello.txt'), 'fifo1']);
      expect((await reader).stdout).toBe('hello\n');
      return r;
    },
    exit: 0,
    stderr: '',
    check: () => expect(kind(p('fifo1'))).toBe('fifo'),
  },
  {
    name: 'a symlink to a regular file: the target is replaced, the link kept',
    setup: () => {
      writeFileSync(p('target.txt'), 'old', { mode: 0o640 });
      symlinkSync('target.txt', p('link.txt'));
    },
    run: () => b(['get', obj('hello.txt'), 'link.txt']),
    exit: 0,
    stderr: '',
    check: () => {
      expect([kind(p('link.txt')), readlinkSync(p('link.txt')), readFileSync(p('target.txt'), 'utf8')]).toEqual(['symlink', 'target.txt', 'hello\n']);
      expect(lstatSync(p('target.txt')).mode & 0o777).toBe(0o640);
      noPartials(W);
    },
  },
  {
    name: 'a dangling symlink is refused and left as it was',
    setup: () => symlinkSync('nowhere.txt', p('dangling')),
    run: () => b(['get', obj('hello.txt'), 'dangling']),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: dangling is a dangling symlink (point it at an existing file or remove it; blob does not create link targets)',
    check: () => expect([kind(p('dangling')), existsSync(p('nowhere.txt'))]).toEqual(['symlink', false]),
  },
  {
    name: 'a symlink loop is refused',
    setup: () => {
      symlinkSync('loop-b', p('loop-a'));
      symlinkSync('loop-a', p('loop-b'));
    },
    run: () => b(['get', obj('hello.txt'), 'loop-a']),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: loop-a is a symlink loop (fix or remove the link)',
    check: () => expect([kind(p('loop-a')), kind(p('loop-b'))]).toEqual(['symlink', 'symlink']),
  },
  {
    name: 'a directory as DST receives the object under its basename',
    setup: () => mkdirSync(p('into')),
    run: () => b(['get', obj('deep/name.txt'), 'into']),
    exit: 0,
    stderr: '',
    check: (r) => {
      expect((JSON.parse(r.stdout) as { path: string }).path).toBe(join('into', 'name.txt'));
      expect([kind(p('into')), readFileSync(p('into', 'name.txt'), 'utf8')]).toEqual(['dir', 'deep\n']);
    },
  },
  {
    name: 'a socket as DST is refused',
    run: () => b(['get', obj('hello.txt'), 'sock']),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: sock is a socket (choose a file, a FIFO or a device)',
    check: () => expect(kind(p('sock'))).toBe('socket'),
  },
  {
    name: 'get-dir: a key escaping DIR refuses the whole run before writing',
    run: () => b(['get-dir', obj('escape/'), 'esc-out']),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: key "escape/../escaped.txt" would be written outside esc-out (nothing was downloaded; rename the key or fetch it alone with blob get)',
    check: () => expect([existsSync(p('esc-out')), existsSync(p('escaped.txt'))]).toEqual([false, false]),
  },
  {
    name: 'get-dir: a key that is both a file and a directory is refused',
    run: () => b(['get-dir', obj('clash/'), 'clash-out']),
    exit: EXIT.LOCAL_IO,
    stderr: `blob: error: ${p('clash-out', 'a')} would be both a file and a directory (keys "a" and "a/…") (nothing was downloaded; fetch the keys into separate directories)`,
    check: () => expect(existsSync(p('clash-out'))).toBe(false),
  },
  {
    name: 'get-dir: a FIFO where a file goes is refused and kept',
    setup: () => {
      mkdirSync(p('tree-fifo'));
      mkfifo(p('tree-fifo', 'one.txt'));
    },
    run: () => b(['get-dir', obj('tree/'), 'tree-fifo']),
    exit: EXIT.LOCAL_IO,
    stderr: `blob: error: ${p('tree-fifo', 'one.txt')} is a FIFO; get-dir writes only regular files (nothing was downloaded; move it away or choose another DIR)`,
    check: () => expect([kind(p('tree-fifo', 'one.txt')), existsSync(p('tree-fifo', 'sub'))]).toEqual(['fifo', false]),
  },
  {
    name: 'get-dir: a symlink where a file goes is refused; link and target kept',
    setup: () => {
      mkdirSync(p('tree-link'));
      writeFileSync(p('outside.txt'), 'precious');
      symlinkSync(p('outside.txt'), p('tree-link', 'one.txt'));
    },
    run: () => b(['get-dir', obj('tree/'), 'tree-link']),
    exit: EXIT.LOCAL_IO,
    stderr: `blob: error: ${p('tree-link', 'one.txt')} is a symlink; get-dir writes only regular files (nothing was downloaded; move it away or choose another DIR)`,
    check: () => expect([kind(p('tree-link', 'one.txt')), readFileSync(p('outside.txt'), 'utf8')]).toEqual(['symlink', 'precious']),
  },
  // Class 2: every local I/O failure exits 7 with one line, leaving nothing partial.
  {
    name: 'get-dir: DIR is a regular file',
    setup: () => writeFileSync(p('plain-file'), 'keep'),
    run: () => b(['get-dir', obj('tree/'), 'plain-file']),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: not a directory: plain-file (check the local path and its permissions)',
    check: () => expect(readFileSync(p('plain-file'), 'utf8')).toBe('keep'),
  },
  {
    name: 'get-dir: a file where keys need a directory',
    setup: () => {
      mkdirSync(p('tree-file'));
      writeFileSync(p('tree-file', 'sub'), 'keep');
    },
    run: () => b(['get-dir', obj('tree/'), 'tree-file']),
    exit: EXIT.LOCAL_IO,
    stderr: `blob: error: ${p('tree-file', 'sub')} is not a directory but keys go under it (nothing was downloaded; move it away or choose another DIR)`,
    check: () => expect([readFileSync(p('tree-file', 'sub'), 'utf8'), existsSync(p('tree-file', 'one.txt'))]).toEqual(['keep', false]),
  },
  {
    name: 'get to a missing destination directory creates it, as aws s3 cp does',
    run: () => b(['get', obj('hello.txt'), 'new-dir/deeper/out.txt']),
    exit: 0,
    stderr: '',
    check: () => expect(readFileSync(p('new-dir', 'deeper', 'out.txt'), 'utf8')).toBe('hello\n'),
  },
  {
    name: 'get to a destination directory that cannot be created',
    setup: () => {
      chmodSync(W, 0o755);
      mkdirSync(p('sealed'), { mode: 0o755 });
      if (!isRoot) chmodSync(p('sealed'), 0o555);
    },
    run: () => asUnprivileged(['get', obj('hello.txt'), p('sealed', 'sub', 'out.txt')]),
    exit: EXIT.LOCAL_IO,
    stderr: `blob: error: permission denied: ${p('sealed', 'sub')} (check the local path and its permissions)`,
    check: () => expect(readdirSync(p('sealed'))).toEqual([]),
  },
  {
    name: 'get under a path component that is a file',
    setup: () => writeFileSync(p('a-file'), 'keep'),
    run: () => b(['get', obj('hello.txt'), 'a-file/out.txt']),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: not a directory: a-file/out.txt (check the local path and its permissions)',
    check: () => expect(readFileSync(p('a-file'), 'utf8')).toBe('keep'),
  },
  {
    name: 'get to a directory whose basename entry is a directory',
    setup: () => mkdirSync(p('holder', 'hello.txt'), { recursive: true }),
    run: () => b(['get', obj('hello.txt'), 'holder']),
    exit: EXIT.LOCAL_IO,
    stderr: `blob: error: is a directory: ${join('holder', 'hello.txt')} (check the local path and its permissions)`,
    check: () => {
      expect(kind(p('holder', 'hello.txt'))).toBe('dir');
      noPartials(p('holder'));
    },
  },
  {
    name: 'get under /proc',
    run: () => b(['get', obj('hello.txt'), '/proc/blob-test.txt']),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: /proc is on the /proc pseudo-filesystem (choose a destination on a real file system)',
    check: () => expect(existsSync('/proc/blob-test.txt')).toBe(false),
  },
  {
    name: 'get to a full device (/dev/full: ENOSPC)',
    run: () => b(['get', obj('hello.txt'), '/dev/full']),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: no space left on device: /dev/full (free space on the destination file system)',
    check: () => expect(kind('/dev/full')).toBe('char'),
  },
  {
    name: 'get to stdout redirected to a full device',
    run: () => run('bash', ['--norc', '-c', `"${process.execPath}" "${join(ROOT, 'bin', 'blob.cjs')}" get ${obj('hello.txt')} - > /dev/full`], { env: cliEnv(moto.endpoint), cwd: W }),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: no space left on device: stdout (free space on the destination file system)',
    check: () => expect(kind('/dev/full')).toBe('char'),
  },
  {
    name: 'put of a missing source leaves the object as it was',
    run: () => b(['put', 'missing.bin', obj('hello.txt')]),
    exit: EXIT.LOCAL_IO,
    stderr: 'blob: error: put missing.bin: no such file or directory: missing.bin (check that the file, or the destination directory, exists)',
    check: async () => expect(await versionsOf('hello.txt')).toBe(1),
  },
  {
    name: 'put of an unreadable source leaves the object as it was',
    setup: () => {
      chmodSync(W, 0o755);
      writeFileSync(p('secret.bin'), 'secret', { mode: 0o600 });
    },
    run: () => asUnprivileged(['put', p('secret.bin'), obj('hello.txt')]),
    exit: EXIT.LOCAL_IO,
    stderr: `blob: error: put ${p('secret.bin')}: permission denied: ${p('secret.bin')} (check the local path and its permissions)`,
    check: async () => expect(await versionsOf('hello.txt')).toBe(1),
  },
  {
    name: 'get into an unwritable directory leaves no file',
    setup: () => {
      chmodSync(W, 0o755);
      mkdirSync(p('locked'), { mode: 0o755 });
      if (!isRoot) chmodSync(p('locked'), 0o555);
    },
    run: () => asUnprivileged(['get', obj('hello.txt'), p('locked', 'out.txt')]),
    exit: EXIT.LOCAL_IO,
    stderr: `blob: error: permission denied: ${p('locked', 'out.txt')} (check the local path and its permissions)`,
    check: () => expect(readdirSync(p('locked'))).toEqual([]),
  },
  {
    name: 'put-dir uploads regular files and reports what it skipped',
    setup: () => {
      mkdirSync(p('mixed', 'sub'), { recursive: true });
      writeFileSync(p('mixed', 'a.txt'), 'a');
      writeFileSync(p('mixed', 'sub', 'b.txt'), 'b');
      symlinkSync('a.txt', p('mixed', 'link.txt'));
      mkfifo(p('mixed', 'pipe'));
    },
    run: () => b(['put-dir', 'mixed', obj('mixed/')]),
    exit: 0,
    stderr: 'blob: note: put-dir skipped 2 local entries that are not regular readable files (fifo, symlink); see skipped_local',
    check: async (r) => {
      const out = JSON.parse(r.stdout) as { transferred: number; skipped_local: Array<{ path: string; reason: string }> };
      expect([out.transferred, out.skipped_local]).toEqual([2, [{ path: p('mixed', 'link.txt'), reason: 'symlink' }, { path: p('mixed', 'pipe'), reason: 'fifo' }]]);
      expect([kind(p('mixed', 'pipe')), kind(p('mixed', 'link.txt')), await versionsOf('mixed/pipe'), await versionsOf('mixed/link.txt')]).toEqual(['fifo', 'symlink', 0, 0]);
    },
  },
  {
    name: 'put-dir of a missing directory',
    run: () => b(['put-dir', 'no-such-tree', obj('up/')]),
    exit: EXIT.LOCAL_IO,
    stderr: `blob: error: put-dir no-such-tree: no such file or directory: no-such-tree (check that the file, or the destination directory, exists)`,
    check: async () => expect(await versionsOf('up/x')).toBe(0),
  },
];

async function versionsOf(key: string): Promise<number> {
  const { ListObjectVersionsCommand } = await import('@aws-sdk/client-s3');
  const res = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }));
  return (res.Versions ?? []).filter((v) => v.Key === key).length;
}

beforeAll(async () => {
  ensureBlobBuilt();
  moto = await startMoto();
  s3 = s3For(moto.endpoint);
  await createVersionedBucket(s3, BUCKET);
  for (const [Key, Body] of [
    ['hello.txt', 'hello\n'],
    ['deep/name.txt', 'deep\n'],
    ['escape/ok.txt', 'ok'],
    ['escape/../escaped.txt', 'out'],
    ['clash/a', 'file'],
    ['clash/a/b', 'nested'],
    ['tree/one.txt', '1'],
    ['tree/sub/two.txt', '2'],
  ] as const) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  }
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(p('sock'), resolve));
}, 120_000);

afterAll(async () => {
  socketServer?.close();
  s3?.destroy();
  await moto?.stop();
});

test('the corpus covers at least 18 local-edge cases with distinct names', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(18);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  test('exit code, exact stderr, nothing lost', async () => {
    await c.setup?.();
    const r = await c.run();
    expect({ code: r.code, stderr: r.stderr.trimEnd() }).toEqual({ code: c.exit, stderr: c.stderr });
    if (c.exit !== 0) expect(r.stdout).toBe('');
    await c.check(r);
    noPartials(W);
  });
});
