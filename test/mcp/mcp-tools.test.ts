import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOOLS } from '../../cli/mcp/registry';
import { useLocalStack } from '../support/local-stack';
import { ensureBlobBuilt } from '../cli/blob-harness';
import { connect, McpSession } from './mcp-client';

/**
 * Issue 16 acceptance 1 and 4: `blob mcp` over stdio, driven by the official SDK client, against the
 * whole local stack (the project's templates in moto, policies enforced). Every tool runs at least
 * once; an upload made through MCP is analysed by the same pipeline as `blob put`.
 */
const stack = useLocalStack();
const run = `mcp/${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(join(tmpdir(), 'blob-mcp-'));
let mcp: McpSession;

beforeAll(async () => {
  ensureBlobBuilt();
  mcp = await connect(['--env', stack().env], { ...stack().awsEnv, BLOB_ENV: undefined, BLOB_BUCKET: undefined });
}, 120_000);
afterAll(() => mcp?.close());

test('tools/list: every tool, with input and output JSON Schemas, annotations and a description', async () => {
  const { tools } = await mcp.client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
  for (const t of tools) {
    expect(t.inputSchema.type).toBe('object');
    expect(t.outputSchema?.type).toBe('object');
    expect(t.description?.length).toBeGreaterThan(40);
    expect(typeof t.annotations?.readOnlyHint).toBe('boolean');
    expect(typeof t.annotations?.destructiveHint).toBe('boolean');
    expect(typeof t.annotations?.idempotentHint).toBe('boolean');
  }
  expect(tools.find((t) => t.name === 'get')?.inputSchema.required).toEqual(['key']);
});

test('object tools: put (text, base64, path), head, get (text, range, url), list, versions, copy, presign, delete', async () => {
  const k = `${run}/notes.txt`;
  const v1 = await mcp.ok<{ version_id: string; size: number; uri: string }>('put', { key: k, content: 'first version\n', metadata: { agent: 'test' }, tags: { phase: 'a' } });
  expect(v1).toMatchObject({ key: k, size: 14, content_type: 'text/plain' });
  const v2 = await mcp.ok<{ version_id: string }>('put', { key: k, content: 'second version, longer\n' });
  expect(v2.version_id).not.toBe(v1.version_id);
  await mcp.ok('put', { key: `${run}/blob.bin`, content_base64: Buffer.from([0, 1, 2, 255]).toString('base64') });
  writeFileSync(join(dir, 'local.json'), '{"from":"path"}');
  expect(await mcp.ok('put', { key: `${run}/local.json`, path: join(dir, 'local.json') })).toMatchObject({ size: 15, content_type: 'application/json' });

  expect(await mcp.ok('head', { key: k, version_id: v1.version_id })).toMatchObject({ size: 14, metadata: { agent: 'test' }, tags: { phase: 'a' }, version_id: v1.version_id });
  expect(await mcp.ok('get', { key: k })).toMatchObject({ encoding: 'utf8', content: 'second version, longer\n', truncated: false, size: 23 });
  expect(await mcp.ok('get', { key: k, range: '7-13' })).toMatchObject({ content: 'version', range: { start: 7, end: 13 }, truncated: false });
  expect(await mcp.ok('get', { key: k, max_bytes: 6 })).toMatchObject({ content: 'second', truncated: true, next_range: '6-' });
  expect(await mcp.ok('get', { key: k, version_id: v1.version_id })).toMatchObject({ content: 'first version\n' });
  const bin = await mcp.ok<{ encoding: string; url: string }>('get', { key: `${run}/blob.bin` });
  expect(bin.encoding).toBe('url');
  const res = await fetch(bin.url);
  expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  expect(await mcp.ok('get', { key: `${run}/blob.bin`, as: 'base64' })).toMatchObject({ content: 'AAEC/w==' });

  const listed = await mcp.ok<{ objects: Array<{ key: string }>; truncated: boolean }>('list', { prefix: `${run}/` });
  expect(listed.objects.map((o) => o.key)).toEqual([`${run}/blob.bin`, `${run}/local.json`, `${run}/notes.txt`]);
  expect(listed.truncated).toBe(false);
  expect(await mcp.ok('list', { prefix: `${run}/`, limit: 1 })).toMatchObject({ count: 1, truncated: true });
  expect(await mcp.ok('list', { prefix: `${run}/`, since: '2000-01-01' })).toMatchObject({ count: 3 });

  const versions = await mcp.ok<{ versions: Array<{ version_id: string }> }>('versions', { key: k });
  expect(versions.versions.map((v) => v.version_id)).toEqual([v2.version_id, v1.version_id]);
  const restored = await mcp.ok<{ source_version_id: string }>('copy', { source: k, version_id: v1.version_id, destination: `${run}/restored.txt` });
  expect(restored.source_version_id).toBe(v1.version_id);
  expect(await mcp.ok('get', { key: `${run}/restored.txt` })).toMatchObject({ content: 'first version\n' });

  const link = await mcp.ok<{ url: string; expires_in: number }>('presign', { key: k, expires: '15m' });
  expect(link.expires_in).toBe(900);
  expect(await (await fetch(link.url)).text()).toBe('second version, longer\n');

  expect(await mcp.ok('delete', { key: `${run}/restored.txt` })).toMatchObject({ delete_marker: true });
  expect(await mcp.fails('get', { key: `${run}/restored.txt` })).toMatch(/not found.*\[exit 5 NOT_FOUND\]/);
}, 60_000);

test('select, history, put_dir and get_dir', async () => {
  await mcp.ok('put', { key: `${run}/orders.csv`, content: 'id,total\n1,5\n2,50\n3,500\n' });
  const sel = await mcp.ok<{ records: unknown[] }>('select', { key: `${run}/orders.csv`, sql: 'SELECT s.id FROM s3object s WHERE CAST(s.total AS INT) > 10' });
  expect(sel.records).toEqual([{ id: '2' }, { id: '3' }]);
  expect(await mcp.ok('select', { key: `${run}/orders.csv`, sql: 'SELECT * FROM s3object s', limit: 1 })).toMatchObject({ count: 1, truncated: true });

  const src = join(dir, 'tree');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'a.txt'), 'a');
  writeFileSync(join(src, 'sub', 'b.txt'), 'bb');
  expect(await mcp.ok('put_dir', { dir: src, prefix: `${run}/tree/` })).toMatchObject({ transferred: 2, bytes: 3 });
  expect(await mcp.ok('put_dir', { dir: src, prefix: `${run}/tree/` })).toMatchObject({ transferred: 0, skipped: 2 });
  const out = join(dir, 'out');
  expect(await mcp.ok('get_dir', { prefix: `${run}/tree/`, dir: out })).toMatchObject({ transferred: 2 });
  expect(readFileSync(join(out, 'sub', 'b.txt'), 'utf8')).toBe('bb');

  await stack().waitForIdle();
  const h = await mcp.ok<{ history: Array<Record<string, unknown>> }>('history', { key: `${run}/orders.csv` });
  expect(h.history.length).toBeGreaterThanOrEqual(1);
}, 90_000);

test('kvstore tools: kv_set/kv_get/kv_inc, lock/unlock, queue_push/queue_pop', async () => {
  const ns = `mcptest/${run.slice(4)}`;
  await mcp.ok('kv_set', { key: `${ns}-cfg`, value: { model: 'x', n: 2 } });
  expect(await mcp.ok('kv_get', { key: `${ns}-cfg` })).toMatchObject({ value: { model: 'x', n: 2 } });
  expect(await mcp.ok('kv_inc', { key: `${ns}-count`, by: 5 })).toMatchObject({ value: 5, applied: true });
  expect(await mcp.ok('kv_inc', { key: `${ns}-count`, once: 'evt-1' })).toMatchObject({ value: 6, applied: true });
  expect(await mcp.ok('kv_inc', { key: `${ns}-count`, once: 'evt-1' })).toMatchObject({ value: 6, applied: false });
  const lock = await mcp.ok<{ token: number }>('lock', { name: `${ns}-deploy`, lease: '1m' });
  expect(await mcp.fails('lock', { name: `${ns}-deploy` })).toMatch(/held.*\[exit 6 CONFLICT\]/);
  expect(await mcp.ok('unlock', { name: `${ns}-deploy`, token: lock.token })).toMatchObject({ released: true });
  expect(await mcp.ok('queue_push', { queue: `${ns}-jobs`, value: 'job-1' })).toMatchObject({ duplicate: false });
  expect(await mcp.ok('queue_pop', { queue: `${ns}-jobs` })).toMatchObject({ value: 'job-1' });
  expect(await mcp.fails('queue_pop', { queue: `${ns}-jobs` })).toMatch(/empty.*\[exit 6 CONFLICT\]/);
  expect(await mcp.fails('kv_get', { key: `${ns}-absent` })).toMatch(/\[exit 5 NOT_FOUND\]/);
});

test('resources: objects are listed and read as blob:// URIs', async () => {
  const { resourceTemplates } = await mcp.client.listResourceTemplates();
  expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['blob://{+key}']);
  const { resources } = await mcp.client.listResources();
  expect(resources.map((r) => r.uri)).toContain(`blob://${run}/notes.txt`);
  const read = await mcp.client.readResource({ uri: `blob://${run}/notes.txt` });
  expect(read.contents).toEqual([{ uri: `blob://${run}/notes.txt`, mimeType: 'text/plain', text: 'second version, longer\n' }]);
});

test('acceptance 4: a CSV put through MCP is analysed into kvstore by the same pipeline as blob put', async () => {
  const key = `uploads/${run.slice(4)}/mcp.csv`;
  const put = await mcp.ok<{ version_id: string }>('put', { key, content: 'name,qty,price\napple,3,1.5\npear,2,2.0\nplum,9,0.5\n' });
  await stack().waitForIdle();
  const analysis = await mcp.ok<{ value: { status: string; rowCount: number; versionId: string } }>('kv_get', { key: `analysis/${key}` });
  expect(analysis.value).toMatchObject({ status: 'succeeded', rowCount: 3, versionId: put.version_id });
  expect(stack().denials()).toEqual([]);
}, 60_000);

test('conditional writes: put if_none_match / if_match, copy and delete if_match lose with CONFLICT', async () => {
  const k = `${run}/cas.json`;
  const made = await mcp.ok<{ etag: string }>('put', { key: k, content: '{"v":1}', if_none_match: '*' });
  expect(await mcp.fails('put', { key: k, content: '{"v":9}', if_none_match: '*' })).toMatch(/\[exit 6 CONFLICT\]/);
  const read = await mcp.ok<{ etag: string }>('get', { key: k });
  expect(read.etag).toBe(made.etag);
  const next = await mcp.ok<{ etag: string }>('put', { key: k, content: '{"v":2}', if_match: read.etag });
  expect(await mcp.fails('put', { key: k, content: '{"v":3}', if_match: read.etag })).toMatch(new RegExp(`current ETag ${next.etag}.*CONFLICT`));
  expect(await mcp.fails('copy', { source: `${run}/notes.txt`, destination: k, if_none_match: '*' })).toMatch(/CONFLICT/);
  expect(await mcp.fails('delete', { key: k, if_match: made.etag })).toMatch(/CONFLICT/);
  expect(await mcp.ok('delete', { key: k, if_match: next.etag })).toMatchObject({ delete_marker: true });
});

test('snapshot_create, snapshot_list, restore (dry run, then for real) and fork', async () => {
  const ws = `${run}/ws/`;
  await mcp.ok('put', { key: `${ws}a.txt`, content: 'a1' });
  const snap = await mcp.ok<{ name: string; objects: number }>('snapshot_create', { prefix: ws, name: 'before' });
  expect(snap).toMatchObject({ name: 'before', objects: 1 });
  expect((await mcp.ok<{ snapshots: Array<{ name: string }> }>('snapshot_list', { prefix: ws })).snapshots.map((s) => s.name)).toEqual(['before']);
  await mcp.ok('put', { key: `${ws}a.txt`, content: 'a2' });
  expect(await mcp.ok('restore', { prefix: ws, snapshot: 'before', dry_run: true })).toMatchObject({ copied: 1, dry_run: true });
  expect(await mcp.ok('get', { key: `${ws}a.txt` })).toMatchObject({ content: 'a2' });
  expect(await mcp.ok('restore', { prefix: ws, snapshot: 'before' })).toMatchObject({ copied: 1, snapshot: 'before', dry_run: false });
  expect(await mcp.ok('get', { key: `${ws}a.txt` })).toMatchObject({ content: 'a1' });
  expect(await mcp.ok('fork', { prefix: ws, new_prefix: `${run}/ws-fork/` })).toMatchObject({ copied: 1 });
  expect(await mcp.ok('get', { key: `${run}/ws-fork/a.txt` })).toMatchObject({ content: 'a1' });
  expect(await mcp.fails('restore', { prefix: ws })).toMatch(/restore needs --snapshot NAME or --at TIME.*USAGE/);
}, 60_000);
