import { z } from 'zod';
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { CliError, EXIT, ExitCode } from '../shared/cli-errors';
import { toCliError } from '../shared/errors';
import { explainDenied } from '../shared/agent-identity';
import { toKvCliError } from '../kvstore/errors';
import { ArgumentsError, Tool, ToolServices } from './tool';
import { copyTool, deleteTool, headTool, presignTool, putTool, versionsTool } from './tools/objects';
import { getTool } from './tools/read';
import { historyTool, listTool, selectTool } from './tools/listing';
import { getDirTool, putDirTool } from './tools/dirs';
import { forkTool, restoreTool, snapshotCreateTool, snapshotListTool } from './tools/snapshots';
import { kvGetTool, kvIncTool, kvSetTool, lockTool, queuePopTool, queuePushTool, unlockTool } from './tools/kvstore';

/**
 * The tool table and the two things a client asks of it: the list (JSON Schemas from the zod
 * schemas) and a call. A call never fails at the protocol level: bad arguments, refusals and service
 * errors come back as `isError` results carrying the CLI's error line and exit-code name, so an agent
 * reads the same message a shell user would and the server keeps serving.
 */
export const ALL_TOOLS: readonly Tool[] = [
  putTool,
  getTool,
  headTool,
  listTool,
  versionsTool,
  copyTool,
  deleteTool,
  presignTool,
  selectTool,
  historyTool,
  putDirTool,
  getDirTool,
  snapshotCreateTool,
  snapshotListTool,
  restoreTool,
  forkTool,
  kvGetTool,
  kvSetTool,
  kvIncTool,
  lockTool,
  unlockTool,
  queuePushTool,
  queuePopTool,
];

/** --read-only lists (and accepts) only the tools annotated readOnlyHint. */
export function toolsFor(readOnly: boolean): Tool[] {
  return ALL_TOOLS.filter((t) => !readOnly || t.annotations.readOnlyHint);
}

type JsonSchemaObject = McpTool['inputSchema'];

function jsonSchema(schema: z.ZodObject, io: 'input' | 'output'): JsonSchemaObject {
  // draft-7: what most MCP clients validate with (the SDK client uses Ajv's default draft).
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...rest, type: 'object' } as JsonSchemaObject;
}

export function describeTool(t: Tool): McpTool {
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: jsonSchema(t.input, 'input'),
    outputSchema: jsonSchema(t.output, 'output'),
    annotations: { title: t.title, ...t.annotations },
  };
}

const EXIT_NAMES = new Map<number, string>(Object.entries(EXIT).map(([name, code]) => [code, name]));

export function exitName(code: ExitCode): string {
  return EXIT_NAMES.get(code) ?? String(code);
}

export function errorResult(err: CliError): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${err.line('blob')} [exit ${err.exitCode} ${exitName(err.exitCode)}]` }],
  };
}

/** Whatever a tool threw, as the CliError the CLI would have printed for it. */
export function asCliError(err: unknown, tool: Tool, subject: string): CliError {
  if (err instanceof ArgumentsError) return new CliError(`${tool.name}: invalid arguments: ${err.issues}`, EXIT.USAGE, 'see the tool\'s input schema');
  if (tool.family === 'kvstore') return toKvCliError(err, { key: subject });
  return toCliError(err, { what: `${tool.name} ${subject}` });
}

export async function callTool(tools: readonly Tool[], name: string, args: unknown, services: ToolServices): Promise<CallToolResult> {
  const tool = tools.find((t) => t.name === name);
  if (!tool) {
    const hidden = ALL_TOOLS.some((t) => t.name === name);
    return errorResult(
      hidden
        ? new CliError(`${name}: this server is read-only`, EXIT.AUTH, 'start blob mcp without --read-only to write')
        : new CliError(`unknown tool "${name}"`, EXIT.USAGE, `tools: ${tools.map((t) => t.name).join(', ')}`),
    );
  }
  try {
    const structured = await tool.call(args, services);
    return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured, null, 2) }] };
  } catch (err) {
    if (process.env.BLOB_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    // With --as, a denial names the agent and its workspaces, as the CLIs' own errors do.
    const { as, session } = services.blob.options;
    const who = as ? { agent: as, ...(session ? { session } : {}) } : undefined;
    const subject = tool.subjectOf(args);
    return errorResult(explainDenied(asCliError(err, tool, subject), who, subject));
  }
}
