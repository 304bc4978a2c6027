import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { clientConfig } from '../../core/aws-config';
import { awsEnvFor, startMoto } from '../../test/support/moto';
import type { BenchScenario } from '../types';
import { median } from '../stats';

/**
 * What an agent pays per storage call: a `get` tool call on one running `blob mcp` (stdio, the
 * official SDK client) against `blob get KEY -` as a new process each time, on the same moto in the
 * same run; and the server's start-up (spawn → initialize → tools/list).
 */
const ROOT = join(__dirname, '..', '..');
const BLOB = join(ROOT, 'bin', 'blob.cjs');

const scenario: BenchScenario = {
  name: 'mcp-calls',
  description: 'blob mcp: get tool call latency on one server vs blob get per process; server start-up to tools/list',
  async run({ quick, log }) {
    spawnSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs'), 'blob'], { stdio: 'inherit' });
    const moto = await startMoto();
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...awsEnvFor(moto.endpoint), BLOB_BUCKET: 'mcp-bench', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    delete env.BLOB_ENV;
    try {
      const s3 = new S3Client({ ...clientConfig({ endpoint: moto.endpoint, region: 'eu-central-1' }), credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      await s3.send(new CreateBucketCommand({ Bucket: 'mcp-bench', CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
      await s3.send(new PutObjectCommand({ Bucket: 'mcp-bench', Key: 'notes.txt', Body: 'hello\n'.repeat(100), ContentType: 'text/plain' }));
      const n = quick ? 10 : 40;

      const cli: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const r = spawnSync(process.execPath, [BLOB, 'get', 'notes.txt', '-'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        if (r.status !== 0) throw new Error(`blob get failed: ${r.stderr.toString()}`);
        cli.push(performance.now() - t);
      }

      const starts: number[] = [];
      const calls: number[] = [];
      for (let s = 0; s < (quick ? 2 : 5); s++) {
        const t = performance.now();
        const client = new Client({ name: 'bench', version: '1' });
        await client.connect(new StdioClientTransport({ command: process.execPath, args: [BLOB, 'mcp'], env, stderr: 'ignore' }));
        await client.listTools();
        starts.push(performance.now() - t);
        for (let i = 0; i < n; i++) {
          const c = performance.now();
          const r = await client.callTool({ name: 'get', arguments: { key: 'notes.txt' } });
          if (r.isError) throw new Error(`get tool failed: ${JSON.stringify(r.content)}`);
          calls.push(performance.now() - c);
        }
        await client.close();
      }
      const perProcess = Math.round(median(cli));
      const perCall = Math.round(median(calls) * 10) / 10;
      const startup = Math.round(median(starts));
      log(`get: blob get per process ${perProcess} ms, get tool call ${perCall} ms (${Math.round(perProcess / perCall)}x); blob mcp start to tools/list ${startup} ms`);
      return { blob_get_per_process_ms: perProcess, mcp_get_call_ms: perCall, process_over_call_ratio: Math.round((perProcess / perCall) * 10) / 10, mcp_startup_to_tools_list_ms: startup, calls: calls.length };
    } finally {
      await moto.stop();
    }
  },
};

export default scenario;
