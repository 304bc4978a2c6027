import type { Command } from 'commander';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { CliError } from '../shared/cli-errors';
import { toCliError } from '../shared/errors';
import { globalOptions } from '../shared/options';
import { CLI_VERSION } from '../shared/version';
import { BlobContext } from '../blob/context';
import { KvContext } from '../kvstore/context';
import { callTool, describeTool, exitName, toolsFor } from './registry';
import { listResources, readResource, TEMPLATES } from './resources';
import { Scope } from './scope';
import type { ToolServices } from './tool';

/**
 * `blob mcp`: the blob and kvstore commands as Model Context Protocol tools (and objects as
 * resources) over stdio, for Claude Code, Claude Desktop and any MCP client. stdout carries only
 * protocol messages; nothing else may write to it while serving.
 */
export interface McpFlags {
  readOnly?: boolean;
  allowPrefix?: string[];
  allowKvPrefix?: string[];
  allowDir?: string[];
  table?: string;
  http?: string;
}

const INSTRUCTIONS =
  'Durable object storage (S3) and a key-value store for agents. Keys are plain paths like "uploads/report.csv" in the environment\'s bucket. ' +
  'Read with head/get/list/select, write with put/copy/delete (the bucket keeps old versions: versions + copy restores one). ' +
  'kv_* tools hold small JSON values, counters, locks and queues. Errors name the exit code the `blob` CLI would use.';

export function buildServer(services: ToolServices): Server {
  const tools = toolsFor(services.readOnly);
  const server = new Server({ name: 'blob', title: 'blob storage', version: CLI_VERSION }, { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(describeTool) }));
  server.setRequestHandler(CallToolRequestSchema, (req) => callTool(tools, req.params.name, req.params.arguments, services));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: TEMPLATES }));
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await resourceCall(() => listResources(services)) }));
  server.setRequestHandler(ReadResourceRequestSchema, (req) => resourceCall(() => readResource(req.params.uri, services)));
  return server;
}

/** Resources have no error result: a failure is a JSON-RPC error with the CLI's line. */
async function resourceCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err instanceof CliError ? err : toCliError(err);
    throw new McpError(ErrorCode.InvalidParams, `${e.line('blob')} [exit ${e.exitCode} ${exitName(e.exitCode)}]`);
  }
}

export function servicesFor(cmd: Command, flags: McpFlags): ToolServices & { close(): void } {
  const options = globalOptions(cmd);
  const blob = new BlobContext(options);
  const kv = new KvContext({ ...options, ...(flags.table ? { table: flags.table } : {}) });
  const scope = new Scope(blob, { allowPrefixes: flags.allowPrefix ?? [], allowKvPrefixes: flags.allowKvPrefix ?? [], allowDirs: flags.allowDir ?? [] });
  return { blob, kv, scope, readOnly: !!flags.readOnly, close: () => kv.close() };
}

export async function serveMcp(cmd: Command, flags: McpFlags): Promise<void> {
  const services = servicesFor(cmd, flags);
  // Fail at start, not on the first call, when a prefix cannot be resolved (say --env is unknown).
  await services.scope.resolved();
  if (flags.http !== undefined) {
    const { serveHttp } = await import('./http');
    await serveHttp(() => buildServer(services), flags.http);
  } else {
    await serve(buildServer(services), new StdioServerTransport());
  }
  services.close();
}

/** Resolves when the client goes away (stdin closes). */
async function serve(server: Server, transport: Transport): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    process.stdin.once('end', () => void server.close());
  });
  await server.connect(transport);
  await closed;
}
