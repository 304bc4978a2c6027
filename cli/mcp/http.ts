import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CliError, EXIT } from '../shared/cli-errors';

/**
 * `blob mcp --http PORT`: Streamable HTTP on 127.0.0.1 only (the server acts with this user's
 * credentials, so it is never reachable from another host; Host headers are checked against
 * DNS rebinding). Stateless: each POST gets its own protocol server; tools keep no session state.
 */
export function parsePort(input: string): number {
  const port = Number(input);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`invalid --http port "${input}"`, EXIT.USAGE, 'give a port from 1 to 65535, e.g. --http 8765');
  return port;
}

export async function serveHttp(build: () => Server, portInput: string): Promise<void> {
  const port = parsePort(portInput);
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'POST MCP messages to /mcp' }, id: null }));
      return;
    }
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, enableDnsRebindingProtection: true, allowedHosts });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String((err as Error).message));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err) => reject(new CliError(`cannot listen on 127.0.0.1:${port} (${(err as Error).message})`, EXIT.LOCAL_IO, 'pick another --http port')));
    http.listen(port, '127.0.0.1', () => resolve());
  });
  process.stderr.write(`blob mcp: listening on http://127.0.0.1:${port}/mcp\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => void http.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
