import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BLOB, ROOT } from '../cli/blob-harness';

/**
 * The official SDK client driving the real bundled CLI (`node bin/blob.cjs mcp …`) over stdio, as
 * Claude Code or Claude Desktop would. callTool validates structured results against each tool's
 * outputSchema, so a result that breaks its schema fails the test.
 */
export interface McpSession {
  readonly client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** A successful call's structured result (fails the test with the error text otherwise). */
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** A failed call's error text (fails the test when the call succeeded). */
  fails(name: string, args?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function connect(args: readonly string[], env: Record<string, string | undefined>): Promise<McpSession> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) clean[k] = v;
  const transport = new StdioClientTransport({ command: process.execPath, args: [BLOB, 'mcp', ...args], env: clean, cwd: ROOT, stderr: 'pipe' });
  const client = new Client({ name: 'blob-mcp-test', version: '1.0.0' });
  await client.connect(transport);
  const call = async (name: string, a: Record<string, unknown> = {}): Promise<CallToolResult> => (await client.callTool({ name, arguments: a })) as CallToolResult;
  const text = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
  return {
    client,
    call,
    async ok<T>(name: string, a: Record<string, unknown> = {}): Promise<T> {
      const r = await call(name, a);
      if (r.isError) throw new Error(`${name} failed: ${text(r)}`);
      expect(JSON.parse(text(r))).toEqual(r.structuredContent);
      return r.structuredContent as T;
    },
    async fails(name: string, a: Record<string, unknown> = {}): Promise<string> {
      const r = await call(name, a);
      if (!r.isError) throw new Error(`${name} succeeded, expected an error: ${text(r).slice(0, 300)}`);
      expect(r.structuredContent).toBeUndefined();
      return text(r);
    },
    close: () => client.close(),
  };
}
