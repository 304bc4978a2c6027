import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOOLS, describeTool, toolsFor } from '../../cli/mcp/registry';

/** The README's MCP tool table is the server's tool list: same names, same read-only marks. */
const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

function readmeTools(): Array<{ name: string; readOnly: boolean }> {
  const start = readme.indexOf('<!-- mcp-tools:start -->');
  const end = readme.indexOf('<!-- mcp-tools:end -->');
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  return [...readme.slice(start, end).matchAll(/^\| `([a-z_]+)` \| (yes|no) \|/gm)].map((m) => ({ name: m[1]!, readOnly: m[2] === 'yes' }));
}

test('the README lists exactly the server\'s tools, in order, with their read-only annotation', () => {
  expect(readmeTools()).toEqual(ALL_TOOLS.map((t) => ({ name: t.name, readOnly: t.annotations.readOnlyHint })));
});

test('--read-only keeps exactly the tools the README marks read-only', () => {
  expect(toolsFor(true).map((t) => t.name)).toEqual(readmeTools().filter((t) => t.readOnly).map((t) => t.name));
});

test('the README shows the Claude Code line, a Claude Desktop / mcp.json block and every switch', () => {
  expect(readme).toContain('claude mcp add blob -- npx blob mcp --env dev');
  expect(readme).toMatch(/"mcpServers": \{\s+"blob": \{\s+"command": "npx",\s+"args": \["blob", "mcp"/);
  for (const flag of ['--read-only', '--allow-prefix P', '--allow-kv-prefix P', '--allow-dir D', '--table NAME', '--http PORT']) expect(readme).toContain(flag);
});

test('every tool publishes object JSON Schemas (draft-7) for input and output, and no two tools share a name', () => {
  expect(new Set(ALL_TOOLS.map((t) => t.name)).size).toBe(ALL_TOOLS.length);
  for (const t of ALL_TOOLS) {
    const d = describeTool(t);
    expect(d.inputSchema.type).toBe('object');
    expect(d.outputSchema?.type).toBe('object');
    expect(JSON.stringify(d)).not.toContain('$schema');
    expect(d.annotations?.readOnlyHint && d.annotations.destructiveHint).toBe(false);
  }
});
