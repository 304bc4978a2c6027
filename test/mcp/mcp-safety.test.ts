import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { createServer, AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolsFor } from '../../cli/mcp/registry';
import { useLocalStack } from '../support/local-stack';
import { BLOB, ensureBlobBuilt, ROOT } from '../cli/blob-harness';
import { AGENT_CASES, ALICE, AgentCase, SEEDED_KEYS } from '../support/agent-cases';
import { connect, McpSession } from './mcp-client';
import { RawMcpClient } from './raw-client';

/**
 * Issue 16 acceptance 1 (switches) and 3 (bad input): --read-only and --allow-prefix refuse what
 * they should; missing or mistyped arguments, a 10 MB object, a denied prefix and an unreachable
 * endpoint each come back as one clear tool error, and the same server then serves the next call.
 * Acceptance 2 runs here too (sharing the stack): a raw JSON-RPC client, independent of the SDK.
 */
const stack = useLocalStack({ fixture: true });
const run = `mcp-safety/${randomUUID().slice(0, 8)}`;
const env = (): Record<string, string | undefined> => ({ ...stack().awsEnv, BLOB_ENV: undefined, BLOB_BUCKET: stack().outputs.bucket });
const sessions: McpSession[] = [];
const open = async (args: string[], extra: Record<string, string | undefined> = {}): Promise<McpSession> => {
  const s = await connect(args, { ...env(), ...extra });
  sessions.push(s);
  return s;
};
let full: McpSession;

beforeAll(async () => {
  ensureBlobBuilt();
  full = await open([]);
  await full.ok('put', { key: `${run}/allowed/a.txt`, content: 'inside' });
  await full.ok('put', { key: `${run}/other/b.txt`, content: 'outside' });
}, 120_000);
afterAll(async () => {
  for (const s of sessions) await s.close();
});

test('--read-only lists only the read tools and refuses every write, including PUT links', async () => {
  const ro = await open(['--read-only']);
  const names = (await ro.client.listTools()).tools.map((t) => t.name);
  expect(names).toEqual(toolsFor(true).map((t) => t.name));
  expect(names).not.toContain('put');
  expect(await ro.fails('put', { key: `${run}/x.txt`, content: 'x' })).toMatch(/read-only.*\[exit 4 AUTH\]/);
  expect(await ro.fails('delete', { key: `${run}/allowed/a.txt` })).toMatch(/read-only/);
  expect(await ro.fails('presign', { key: `${run}/allowed/a.txt`, method: 'PUT' })).toMatch(/read-only: no PUT links/);
  expect(await ro.ok('get', { key: `${run}/allowed/a.txt` })).toMatchObject({ content: 'inside' });
  expect(await ro.ok('presign', { key: `${run}/allowed/a.txt` })).toMatchObject({ method: 'GET' });
});

test('--allow-prefix refuses keys, listings, copy sources and destinations, select, resources and kvstore outside it', async () => {
  const scoped = await open(['--allow-prefix', `${run}/allowed/`]);
  const denied = /outside the allowed prefixes.*\[exit 4 AUTH\]/;
  expect(await scoped.ok('get', { key: `${run}/allowed/a.txt` })).toMatchObject({ content: 'inside' });
  expect(await scoped.ok('put', { key: `${run}/allowed/new.txt`, content: 'ok' })).toMatchObject({ size: 2 });
  expect(await scoped.fails('get', { key: `${run}/other/b.txt` })).toMatch(denied);
  expect(await scoped.fails('put', { key: `${run}/other/c.txt`, content: 'no' })).toMatch(denied);
  expect(await scoped.fails('list', { prefix: `${run}/` })).toMatch(denied);
  expect(await scoped.fails('copy', { source: `${run}/other/b.txt`, destination: `${run}/allowed/b.txt` })).toMatch(denied);
  expect(await scoped.fails('copy', { source: `${run}/allowed/a.txt`, destination: `${run}/other/a.txt` })).toMatch(denied);
  expect(await scoped.fails('select', { key: `${run}/other/b.csv`, sql: 'SELECT * FROM s3object' })).toMatch(denied);
  expect(await scoped.fails('get', { key: `s3://another-bucket/${run}/allowed/a.txt` })).toMatch(denied);
  expect(await scoped.fails('kv_get', { key: 'any/key' })).toMatch(/kvstore is closed.*\[exit 4 AUTH\]/);
  const { resources } = await scoped.client.listResources();
  expect(resources.map((r) => r.uri).sort()).toEqual([`blob://${run}/allowed/a.txt`, `blob://${run}/allowed/new.txt`]);
  await expect(scoped.client.readResource({ uri: `blob://${run}/other/b.txt` })).rejects.toThrow(/outside the allowed prefixes/);
  // Nothing outside was written.
  expect(await full.fails('head', { key: `${run}/other/c.txt` })).toMatch(/NOT_FOUND/);
  expect(await full.fails('head', { key: `${run}/other/a.txt` })).toMatch(/NOT_FOUND/);
});

test('missing and mistyped arguments are USAGE tool errors; the server keeps serving', async () => {
  expect(await full.fails('get', {})).toMatch(/get: invalid arguments: key: .*\[exit 2 USAGE\]/);
  expect(await full.ok('head', { key: `${run}/allowed/a.txt` })).toMatchObject({ size: 6 });
  expect(await full.fails('get', { key: 42 })).toMatch(/key: .*expected string.*\[exit 2 USAGE\]/);
  expect(await full.fails('list', { prefix: `${run}/`, limit: 'ten' })).toMatch(/limit: .*\[exit 2 USAGE\]/);
  expect(await full.fails('put', { key: `${run}/x.txt`, content: 'a', content_base64: 'YQ==' })).toMatch(/exactly one of content, content_base64 or path.*USAGE/);
  expect(await full.fails('put', { key: `${run}/x.txt`, content_base64: '***' })).toMatch(/not valid base64/);
  expect(await full.fails('get', { key: `${run}/allowed/a.txt`, range: 'abc' })).toMatch(/invalid --range "abc".*USAGE/);
  expect(await full.fails('no_such_tool', {})).toMatch(/unknown tool "no_such_tool".*USAGE/);
  expect(await full.fails('put', { key: `${run}/x.txt`, path: join(tmpdir(), 'no-such-file-here') })).toMatch(/LOCAL_IO/);
  expect(await full.ok('get', { key: `${run}/allowed/a.txt` })).toMatchObject({ content: 'inside' });
});

test('a 10 MB text object comes back bounded, saying how to read the rest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-mcp-'));
  const line = 'x'.repeat(99) + '\n';
  writeFileSync(join(dir, 'big.txt'), line.repeat(100 * 1024));
  const k = `${run}/big.txt`;
  expect(await full.ok('put', { key: k, path: join(dir, 'big.txt') })).toMatchObject({ size: 10_240_000 });
  const first = await full.ok<{ content: string; truncated: boolean; next_range: string; note: string; returned_bytes: number }>('get', { key: k });
  expect(first).toMatchObject({ truncated: true, returned_bytes: 65_536, next_range: '65536-', size: 10_240_000 });
  expect(first.content).toHaveLength(65_536);
  expect(first.note).toMatch(/range "65536-".*as "url"/);
  const next = await full.ok<{ range: { start: number } }>('get', { key: k, range: first.next_range, max_bytes: 1000 });
  expect(next.range.start).toBe(65_536);
  expect(await full.fails('get', { key: k, max_bytes: 2 * 1024 * 1024 })).toMatch(/max_bytes.*USAGE/);
  expect(await full.ok('get', { key: k, as: 'url' })).toMatchObject({ encoding: 'url' });
}, 60_000);

test('an unreachable endpoint is an UNAVAILABLE tool error, and the server still answers', async () => {
  const down = await open(['--endpoint', 'http://127.0.0.1:9'], { AWS_MAX_ATTEMPTS: '1' });
  expect(await down.fails('list', { prefix: `${run}/` })).toMatch(/cannot reach the service.*\[exit 8 UNAVAILABLE\]/);
  expect(await down.fails('get', { key: `${run}/allowed/a.txt` })).toMatch(/UNAVAILABLE/);
  // Presigning is local computation: the same server process still works.
  expect(await down.ok('presign', { key: `${run}/allowed/a.txt` })).toMatchObject({ method: 'GET' });
}, 60_000);

test('acceptance 2: a raw newline-delimited JSON-RPC client (no SDK) initializes, lists the tools, puts then gets', async () => {
  const raw = new RawMcpClient([], env());
  const init = await raw.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } });
  expect(init.result).toMatchObject({ protocolVersion: '2025-06-18', serverInfo: { name: 'blob' }, capabilities: { tools: {}, resources: {} } });
  raw.notify('notifications/initialized');
  const list = await raw.request('tools/list');
  const tools = (list.result as { tools: Array<{ name: string; inputSchema: { type: string } }> }).tools;
  expect(tools.map((t) => t.name)).toEqual(toolsFor(false).map((t) => t.name));
  const k = `${run}/raw/hello.txt`;
  const put = await raw.request('tools/call', { name: 'put', arguments: { key: k, content: 'hello from raw JSON-RPC' } });
  expect(put.result).toMatchObject({ structuredContent: { key: k, size: 23 } });
  expect(put.result?.isError).toBeUndefined();
  const got = await raw.request('tools/call', { name: 'get', arguments: { key: k } });
  expect(got.result).toMatchObject({ structuredContent: { content: 'hello from raw JSON-RPC', encoding: 'utf8', truncated: false } });
  const bad = await raw.request('tools/call', { name: 'get', arguments: { key: `${run}/raw/missing.txt` } });
  expect(bad.error).toBeUndefined();
  expect(bad.result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/not found.*\[exit 5 NOT_FOUND\]/) }] });
  expect(await raw.close()).toBe(0);
  // stdout carried protocol messages only.
  for (const line of raw.lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
});

test('--http PORT serves Streamable HTTP on 127.0.0.1 to the SDK client; other Host headers are refused', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [BLOB, 'mcp', '--http', String(port)], { cwd: ROOT, env: cleanEnv(env()), stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => d.toString().includes('listening') && resolve()));
    const client = new Client({ name: 'http-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(toolsFor(false).map((t) => t.name));
    const got = (await client.callTool({ name: 'get', arguments: { key: `${run}/allowed/a.txt` } })) as CallToolResult;
    expect(got.structuredContent).toMatchObject({ content: 'inside' });
    await client.close();
    // fetch may not set Host (a forbidden header), so a DNS-rebinding page's request is made with node:http.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    });
    expect(status).toBe(403);
  } finally {
    child.kill('SIGTERM');
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function cleanEnv(e: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...e })) if (v !== undefined) out[k] = v;
  return out;
}

test('--as alice --session s1: the scoped identity applies to every tool, row by row as in the agent case table', async () => {
  for (const key of SEEDED_KEYS) await full.ok('put', { key, content: `seeded ${key}\n` });
  const cache = mkdtempSync(join(tmpdir(), 'agent-cache-'));
  const alice = await open(['--env', 'dev', '--as', ALICE.agent, '--session', ALICE.session], { BLOB_BUCKET: undefined, XDG_CACHE_HOME: cache });
  const outcome = async (c: AgentCase): Promise<string> => {
    const args: Record<string, Record<string, unknown>> = {
      get: { key: c.target },
      put: { key: c.target, content: `written by alice: ${c.label}` },
      delete: { key: c.target },
      list: { prefix: c.target || `s3://${stack().outputs.bucket}/` },
      'kv-get': { key: c.target },
      'kv-set': { key: c.target, value: 'alice' },
    };
    const tool = { get: 'get', put: 'put', delete: 'delete', list: 'list', 'kv-get': 'kv_get', 'kv-set': 'kv_set' }[c.op];
    const r = await alice.call(tool, args[c.op]);
    const text = r.content.map((x) => (x.type === 'text' ? x.text : '')).join('');
    // A kvstore key never set is NOT_FOUND: allowed, it only does not exist yet.
    if (!r.isError || /\[exit 5 NOT_FOUND\]/.test(text)) return 'allowed';
    return /\[as agent "alice", session "s1"\].*\[exit 4 AUTH\]/.test(text) ? 'denied' : text;
  };
  const rows: Array<[string, string]> = [];
  for (const c of AGENT_CASES) rows.push([c.label, await outcome(c)]);
  expect(rows).toEqual(AGENT_CASES.map((c) => [c.label, c.allowed ? 'allowed' : 'denied']));
}, 90_000);

test('--allow-dir confines put (path), put_dir and get_dir to local directories; --allow-prefix alone closes local files', async () => {
  const inside = mkdtempSync(join(tmpdir(), 'mcp-allowed-'));
  const outside = mkdtempSync(join(tmpdir(), 'mcp-outside-'));
  writeFileSync(join(inside, 'ok.txt'), 'ok');
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  symlinkSync(join(outside, 'secret.txt'), join(inside, 'link.txt'));
  const local = /outside the allowed directories.*\[exit 4 AUTH\]/;
  const dirs = await open(['--allow-prefix', `${run}/allowed/`, '--allow-dir', inside]);
  expect(await dirs.ok('put', { key: `${run}/allowed/ok.txt`, path: join(inside, 'ok.txt') })).toMatchObject({ size: 2 });
  expect(await dirs.fails('put', { key: `${run}/allowed/secret.txt`, path: join(outside, 'secret.txt') })).toMatch(local);
  expect(await dirs.fails('put', { key: `${run}/allowed/secret.txt`, path: join(inside, 'link.txt') })).toMatch(local);
  expect(await dirs.fails('put', { key: `${run}/allowed/secret.txt`, path: join(inside, '..', 'x') })).toMatch(local);
  expect(await dirs.fails('get_dir', { prefix: `${run}/allowed/`, dir: join(outside, 'copy') })).toMatch(local);
  expect(await dirs.ok('get_dir', { prefix: `${run}/allowed/`, dir: join(inside, 'copy') })).toMatchObject({ skipped: 0 });
  const closed = await open(['--allow-prefix', `${run}/allowed/`]);
  expect(await closed.fails('put', { key: `${run}/allowed/ok.txt`, path: join(inside, 'ok.txt') })).toMatch(/local files are closed/);
  expect(await full.fails('head', { key: `${run}/allowed/secret.txt` })).toMatch(/NOT_FOUND/);
});
