import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '../../core/aws-config';
import { resourceNames } from '../../lib/config';
import { awsEnvFor } from '../support/moto';

/** Runs the real `blob` CLI (bin/blob.cjs → esbuild bundle) as a subprocess, as scripts do. */
export const ROOT = join(__dirname, '..', '..');
export const BLOB = join(ROOT, 'bin', 'blob.cjs');
export const AWS = join(ROOT, '.venv', 'bin', 'aws');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Builds dist/blob.cjs once up front so parallel subprocesses do not all rebuild it. */
export function ensureBlobBuilt(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs'), 'blob'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building dist/blob.cjs failed');
}

/**
 * Runs a command to completion. `env` is laid over this process's environment, unless
 * `isolated` is set: then the child gets only `env` (what a sandbox without this repository has).
 */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { env?: Record<string, string | undefined>; input?: string | Buffer; cwd?: string; isolated?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...(opts.isolated ? {} : process.env), ...opts.env })) if (v !== undefined) env[k] = v;
    const child = spawn(cmd, args, { env, cwd: opts.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export function blob(args: readonly string[], opts: { env?: Record<string, string | undefined>; input?: string | Buffer; cwd?: string } = {}): Promise<RunResult> {
  return run(process.execPath, [BLOB, ...args], opts);
}

/** A scratch directory with a `blob` command on PATH, for running the seed's shell lines verbatim. */
export function shellWorkspace(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'blob-test-'));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'blob'), `#!/bin/sh\nexec "${process.execPath}" "${BLOB}" "$@"\n`, { mode: 0o755 });
  return { dir, path: `${bin}:${process.env.PATH ?? ''}` };
}

export function sh(script: string, opts: { env?: Record<string, string | undefined>; cwd: string }): Promise<RunResult> {
  // --norc: node's stdio are sockets, and Debian's bash, seeing a socket on stdin with SHLVL unset,
  // takes itself for an ssh session and sources /etc/bash.bashrc, which fails under -u (PS1 unset).
  return run('bash', ['--norc', '-euo', 'pipefail', '-c', script], opts);
}

export function s3For(endpoint: string): S3Client {
  return new S3Client({ ...clientConfig({ endpoint, region: 'eu-central-1' }), credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

export async function createVersionedBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
}

/** Publishes an environment's SSM parameters the way the stacks (and the local copy) do. */
export async function publishEnvironment(endpoint: string, env: 'dev' | 'staging' | 'prod', bucket: string, tableName: string, auditTableName?: string): Promise<void> {
  const ssm = new SSMClient({ ...clientConfig({ endpoint, region: 'eu-central-1' }), credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const p = resourceNames(env).parameters;
  const params: Array<[string, string]> = [
    [p.bucketName, bucket],
    [p.tableName, tableName],
    ...(auditTableName ? ([[p.auditTableName, auditTableName]] as Array<[string, string]>) : []),
  ];
  for (const [Name, Value] of params) await ssm.send(new PutParameterCommand({ Name, Value, Type: 'String', Overwrite: true }));
  ssm.destroy();
}

export function cliEnv(endpoint: string): Record<string, string | undefined> {
  return { ...awsEnvFor(endpoint), BLOB_ENV: undefined, BLOB_BUCKET: undefined, AWS_PROFILE: undefined, AWS_ENDPOINT_URL_S3: undefined };
}
