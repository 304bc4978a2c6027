import { z } from 'zod';
import { downloadDirectory, uploadDirectory } from '../../blob/commands/dirs';
import { defineTool, Tool, WRITE_IDEMPOTENT } from '../tool';
import { prefix } from './fields';

/** put_dir / get_dir: directory trees between this machine and a prefix; identical files are skipped. */

const summary = z.object({
  uri: z.string(),
  transferred: z.number(),
  skipped: z.number(),
  bytes: z.number(),
  files: z.array(z.object({ key: z.string(), path: z.string(), size: z.number(), action: z.enum(['uploaded', 'downloaded', 'skipped']) })),
});

export const putDirTool: Tool = defineTool({
  name: 'put_dir',
  title: 'Upload a local directory',
  description:
    'Upload every file under a local directory (on the machine running this server) to a prefix, as `blob put-dir`; files already stored with the same content are skipped, so repeating it is cheap. Each upload fires the pipelines like a put.',
  family: 'blob',
  input: z.object({
    dir: z.string().min(1).describe('local directory'),
    prefix,
    content_type: z.string().optional().describe('default: guessed per file'),
    concurrency: z.number().int().min(1).max(256).default(32),
  }),
  output: summary,
  annotations: WRITE_IDEMPOTENT,
  subject: (a) => a.dir,
  async run(a, { blob, scope }) {
    await scope.check(a.prefix);
    await scope.checkLocal(a.dir);
    return uploadDirectory(blob, a.dir, a.prefix, { concurrency: String(a.concurrency), ...(a.content_type ? { contentType: a.content_type } : {}) });
  },
});

export const getDirTool: Tool = defineTool({
  name: 'get_dir',
  title: 'Download a prefix to a local directory',
  description:
    'Download every object under a prefix into a local directory (on the machine running this server), as `blob get-dir`; files already identical are skipped. Use it for objects too large for get. Writes local files only.',
  family: 'blob',
  input: z.object({ prefix, dir: z.string().min(1).describe('local directory (created if missing)'), concurrency: z.number().int().min(1).max(256).default(32) }),
  output: summary,
  // Writes local files (overwriting changed ones), never storage.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  subject: (a) => a.prefix,
  async run(a, { blob, scope }) {
    await scope.check(a.prefix);
    await scope.checkLocal(a.dir);
    return downloadDirectory(blob, a.prefix, a.dir, { concurrency: String(a.concurrency) });
  },
});
