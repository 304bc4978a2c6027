import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { clientConfig } from '../../core/aws-config';
import { KvStore } from '../../core/kvstore';
import { KVSTORE_KEY } from '../../core/kvstore-key';
import { ensureVenv, freePort, MotoServer } from '../support/moto';

/** A kvstore table on a moto endpoint with the key schema the Storage stack deploys (KVSTORE_KEY). */
export async function createKvTable(endpoint: string, tableName: string): Promise<KvStore> {
  const ddb = new DynamoDBClient(clientConfig({ endpoint, region: 'eu-central-1' }));
  await ddb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: KVSTORE_KEY.partitionKey, AttributeType: 'S' },
        { AttributeName: KVSTORE_KEY.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: KVSTORE_KEY.partitionKey, KeyType: 'HASH' },
        { AttributeName: KVSTORE_KEY.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
  return new KvStore(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), tableName);
}

/**
 * moto's threaded server evaluates a DynamoDB condition and applies the write without holding a
 * lock (moto/dynamodb/models update_item: get_item, check, then mutate), so two racing conditional
 * writes can both succeed, which DynamoDB never allows for one item. Concurrency tests of locks,
 * queues and counters would then test the emulator's race, not our logic. This server is moto with
 * DynamoDB requests applied one at a time (other services stay concurrent): the per-item
 * serializability DynamoDB guarantees. Clients still race each other for real.
 */
const SERIALIZED_MOTO = `
import sys, threading
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()
def serialized(environ, start_response):
    if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
        with lock:
            return [b"".join(app(environ, start_response))]
    return app(environ, start_response)
run_simple(sys.argv[1], int(sys.argv[2]), serialized, threaded=True, request_handler=MotoRequestHandler)
`;

export async function startSerializedMoto(): Promise<MotoServer> {
  ensureVenv();
  const port = await freePort();
  const python = join(__dirname, '..', '..', '.venv', 'bin', 'python');
  const child: ChildProcess = spawn(python, ['-c', SERIALIZED_MOTO, '127.0.0.1', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_PORT: String(port), MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited early: ${stderr}`);
    if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto did not start within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
