import { S3Client } from '@aws-sdk/client-s3';
import { CliError, EXIT } from '../../shared/cli-errors';
import { NdjsonWriter, printJson } from '../../shared/output';
import { BlobContext } from '../context';
import { Entry, stateAt } from '../snapshot/history';
import { checkName, defaultName, NONCURRENT_EXPIRATION_DAYS, normalizePrefix } from '../snapshot/keys';
import { listManifests, openManifest, writeManifest } from '../snapshot/manifest';
import { mergeJoin, sameContent } from '../snapshot/merge';

/**
 * `blob snapshot create|list|show|diff`: a snapshot records which version of every object under a
 * prefix was current at one instant. It copies nothing: the versions stay where versioning keeps
 * them, so a snapshot is free beyond its manifest but restorable only while those versions live
 * (noncurrent versions expire NONCURRENT_EXPIRATION_DAYS after being replaced).
 */
interface Workspace {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefix: string;
}

export async function workspace(ctx: BlobContext, input: string): Promise<Workspace> {
  const loc = await ctx.location(input);
  return { s3: await ctx.s3(), bucket: loc.bucket, prefix: normalizePrefix(loc.key) };
}

export interface SnapshotCreated {
  snapshot: 1;
  name: string;
  bucket: string;
  prefix: string;
  at: string;
  restorable_until: string;
  manifest: string;
  objects: number;
  bytes: number;
  pinned: boolean;
  note: string;
}

export async function create(ctx: BlobContext, prefix: string, flags: { name?: string }): Promise<void> {
  await printJson(await createSnapshot(ctx, prefix, flags));
}

export async function createSnapshot(ctx: BlobContext, prefix: string, flags: { name?: string }): Promise<SnapshotCreated> {
  const ws = await workspace(ctx, prefix);
  const at = new Date();
  const name = flags.name !== undefined ? checkName(flags.name) : defaultName(at);
  // Every version current at `at` stays current or becomes noncurrent later, so all of them live
  // at least NONCURRENT_EXPIRATION_DAYS from now (longer for those nobody replaces).
  const restorableUntil = new Date(at.getTime() + NONCURRENT_EXPIRATION_DAYS * 86_400_000).toISOString();
  const header = { snapshot: 1 as const, name, bucket: ws.bucket, prefix: ws.prefix, at: at.toISOString(), restorable_until: restorableUntil };
  const written = await writeManifest(ws.s3, header, stateAt(ws.s3, ws.bucket, ws.prefix, at)).catch((err: unknown) => {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 412 || status === 409) throw new CliError(`snapshot "${name}" of s3://${ws.bucket}/${ws.prefix} already exists`, EXIT.CONFLICT, 'choose another --name');
    throw err;
  });
  return {
    ...header,
    manifest: `s3://${ws.bucket}/${written.key}`,
    objects: written.objects,
    bytes: written.bytes,
    pinned: false,
    note: `restorable until at least ${restorableUntil}: versions replaced or deleted after the snapshot expire ${NONCURRENT_EXPIRATION_DAYS} days after that; to keep it longer, blob fork it into a prefix`,
  };
}

export async function list(ctx: BlobContext, prefix: string): Promise<void> {
  await printJson(await listSnapshots(ctx, prefix));
}

export async function listSnapshots(ctx: BlobContext, prefix: string): Promise<{ prefix: string; snapshots: Array<{ name: string; size: number; created: string }> }> {
  const ws = await workspace(ctx, prefix);
  const out: Array<{ name: string; size: number; created: string }> = [];
  for await (const m of listManifests(ws.s3, ws.bucket, ws.prefix)) out.push(m);
  return { prefix: `s3://${ws.bucket}/${ws.prefix}`, snapshots: out };
}

/** The manifest as NDJSON: the header, one line per object, the totals. */
export async function show(ctx: BlobContext, prefix: string, name: string): Promise<void> {
  const ws = await workspace(ctx, prefix);
  const m = await openManifest(ws.s3, ws.bucket, ws.prefix, checkName(name));
  const out = new NdjsonWriter();
  await out.write(m.header);
  const totals = { objects: 0, bytes: 0 };
  for await (const e of m.entries()) {
    totals.objects++;
    totals.bytes += e.size;
    await out.write(e);
  }
  await out.write({ end: true, ...totals });
  await out.flush();
}

/** A snapshot's entries, or the prefix's current state for the name "now". */
async function side(ws: Workspace, name: string): Promise<AsyncIterable<Entry>> {
  if (name === 'now') return stateAt(ws.s3, ws.bucket, ws.prefix);
  return (await openManifest(ws.s3, ws.bucket, ws.prefix, checkName(name))).entries();
}

/** NDJSON: one line per changed key (added, removed, modified), then a summary line. */
export async function diff(ctx: BlobContext, prefix: string, a: string, b: string): Promise<void> {
  const ws = await workspace(ctx, prefix);
  const out = new NdjsonWriter();
  const summary = { added: 0, removed: 0, modified: 0, unchanged: 0 };
  const brief = (e: Entry) => ({ version_id: e.version_id, etag: e.etag, size: e.size, last_modified: e.last_modified });
  for await (const p of mergeJoin(await side(ws, a), await side(ws, b))) {
    if (p.a && p.b && sameContent(p.a, p.b)) summary.unchanged++;
    else if (p.a && p.b) {
      summary.modified++;
      await out.write({ change: 'modified', key: p.key, from: brief(p.a), to: brief(p.b) });
    } else if (p.a) {
      summary.removed++;
      await out.write({ change: 'removed', key: p.key, from: brief(p.a) });
    } else if (p.b) {
      summary.added++;
      await out.write({ change: 'added', key: p.key, to: brief(p.b) });
    }
  }
  await out.write({ summary: { from: a, to: b, ...summary } });
  await out.flush();
}
