import { z } from 'zod';
import { createSnapshot, listSnapshots } from '../../blob/commands/snapshot';
import { forkWorkspace, restoreWorkspace, WorkspaceRestoreFlags } from '../../blob/commands/workspace-restore';
import { defineTool, READ, Tool, WRITE } from '../tool';
import { prefix } from './fields';

/**
 * snapshot_create / snapshot_list / restore / fork: a prefix's state recorded (which version of each
 * object was current) and brought back or copied elsewhere, through the CLI's own functions.
 */

const state = {
  snapshot: z.string().min(1).optional().describe('a snapshot name (from snapshot_list)'),
  at: z.string().min(1).optional().describe('instead: the state at an ISO time or a duration ago ("2h"), within 30 days'),
  dry_run: z.boolean().default(false).describe('count what would change, change nothing'),
  delete: z.boolean().default(false).describe('also delete keys the target state lacks (delete markers; versions stay)'),
};

const report = z.object({
  source: z.string(),
  destination: z.string(),
  snapshot: z.string().optional(),
  at: z.string().optional(),
  copied: z.number(),
  bytes_copied: z.number(),
  deleted: z.number(),
  unchanged: z.number(),
  extra_kept: z.number(),
  dry_run: z.boolean(),
});

function flags(a: { snapshot?: string; at?: string; dry_run: boolean; delete: boolean }): WorkspaceRestoreFlags {
  return { ...(a.snapshot ? { snapshot: a.snapshot } : {}), ...(a.at ? { at: a.at } : {}), dryRun: a.dry_run, delete: a.delete };
}

export const snapshotCreateTool: Tool = defineTool({
  name: 'snapshot_create',
  title: 'Snapshot a prefix',
  description:
    'Record which version of every object under a prefix is current now (as `blob snapshot create`); copies nothing, so it is cheap. Bring it back later with restore, or copy it elsewhere with fork.',
  family: 'blob',
  input: z.object({ prefix, name: z.string().min(1).optional().describe('default: the instant, e.g. 2026-11-30T22-00-00Z') }),
  output: z.object({
    name: z.string(),
    prefix: z.string(),
    at: z.string(),
    restorable_until: z.string(),
    manifest: z.string(),
    objects: z.number(),
    bytes: z.number(),
    note: z.string(),
  }),
  annotations: WRITE,
  subject: (a) => a.prefix,
  async run(a, { blob, scope }) {
    await scope.check(a.prefix);
    return createSnapshot(blob, a.prefix, a.name ? { name: a.name } : {});
  },
});

export const snapshotListTool: Tool = defineTool({
  name: 'snapshot_list',
  title: 'List snapshots of a prefix',
  description: 'The snapshots recorded for a prefix, with names to pass to restore or fork (as `blob snapshot list`).',
  family: 'blob',
  input: z.object({ prefix }),
  output: z.object({ prefix: z.string(), snapshots: z.array(z.object({ name: z.string(), size: z.number(), created: z.string() })) }),
  annotations: READ,
  subject: (a) => a.prefix,
  async run(a, { blob, scope }) {
    await scope.check(a.prefix);
    return listSnapshots(blob, a.prefix);
  },
});

export const restoreTool: Tool = defineTool({
  name: 'restore',
  title: 'Restore a prefix to a snapshot or a time',
  description:
    'Make a prefix equal to a snapshot (snapshot) or to its state at a time (at) by server-side copies of the exact versions (as `blob restore --snapshot/--at`). Overwritten objects stay in versions. Try dry_run first.',
  family: 'blob',
  input: z.object({ prefix, ...state }),
  output: report,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  subject: (a) => a.prefix,
  async run(a, { blob, scope }) {
    await scope.check(a.prefix);
    return restoreWorkspace(blob, a.prefix, flags(a));
  },
});

export const forkTool: Tool = defineTool({
  name: 'fork',
  title: 'Fork a prefix',
  description:
    'Copy a prefix as it is now, as a snapshot, or as it was at a time, into a new prefix by server-side copies (as `blob fork`); the original is untouched. Use it to branch a workspace or keep a snapshot beyond 30 days.',
  family: 'blob',
  input: z.object({ prefix, new_prefix: prefix.describe('where the copy goes (same bucket, not overlapping prefix)'), ...state }),
  output: report,
  // The source is untouched, but objects under new_prefix are overwritten (and with delete, removed).
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  subject: (a) => a.prefix,
  async run(a, { blob, scope }) {
    await scope.check(a.prefix);
    await scope.check(a.new_prefix);
    return forkWorkspace(blob, a.prefix, a.new_prefix, flags(a));
  },
});
