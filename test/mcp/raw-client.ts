import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BLOB, ROOT } from '../cli/blob-harness';

/**
 * A minimal MCP client that shares nothing with the SDK: newline-delimited JSON-RPC 2.0 over the
 * server's stdin/stdout, as the stdio transport is specified. A second, independent reading of the
 * protocol, so a bug the SDK's client and server agree on would still show.
 */
export interface RawResponse {
  readonly jsonrpc: '2.0';
  readonly id: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { code: number; message: string };
}

export class RawMcpClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (r: RawResponse) => void>();
  private nextId = 1;
  /** Every line the server wrote to stdout: each must be one JSON-RPC message. */
  readonly lines: string[] = [];

  constructor(args: readonly string[], env: Record<string, string | undefined>) {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) clean[k] = v;
    this.child = spawn(process.execPath, [BLOB, 'mcp', ...args], { cwd: ROOT, env: clean, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.lines.push(line);
      const msg = JSON.parse(line) as RawResponse;
      this.waiting.get(msg.id)?.(msg);
      this.waiting.delete(msg.id);
    });
  }

  request(method: string, params: Record<string, unknown> = {}): Promise<RawResponse> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  notify(method: string): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`);
  }

  /** Closing stdin ends the session; resolves with the server's exit code. */
  close(): Promise<number | null> {
    return new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code));
      this.child.stdin.end();
    });
  }
}
