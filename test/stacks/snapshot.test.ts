import { Template } from 'aws-cdk-lib/assertions';
import { buildEnv } from './app-fixture';

/**
 * Whole-template snapshots of the two stateful stacks of dev: any change to a bucket, key, table,
 * topic or parameter shows up as a reviewable diff. Values that change for reasons unrelated to
 * these stacks are normalised: exports exist only because other stacks import them, and asset
 * hashes change with handler code. The stateless pipeline stacks are co-owned by every pipeline
 * module and are covered by the observability and validation suites instead of a snapshot.
 */

type Json = Record<string, unknown>;
const ASSET_HASH = /[0-9a-f]{64}/g;

function normalised(template: Json): Json {
  const outputs = Object.fromEntries(Object.entries((template.Outputs ?? {}) as Json).filter(([k]) => !k.startsWith('ExportsOutput')));
  return JSON.parse(JSON.stringify({ ...template, Outputs: outputs }).replace(ASSET_HASH, '<asset-hash>')) as Json;
}

const { stacks } = buildEnv('dev', { bundle: false });

test('dev replica storage stack matches its reviewed snapshot', () => {
  expect(normalised(Template.fromStack(stacks.replicaStorage).toJSON())).toMatchSnapshot();
});

test('dev storage stack matches its reviewed snapshot', () => {
  expect(normalised(Template.fromStack(stacks.storage).toJSON())).toMatchSnapshot();
});

test('normalisation removes only volatile values', () => {
  const t = { Outputs: { BucketName: { Value: 'b' }, ExportsOutputRefX: { Value: 'x' } }, Resources: { F: { Properties: { S3Key: `${'a'.repeat(64)}.zip` } } } };
  expect(normalised(t)).toEqual({ Outputs: { BucketName: { Value: 'b' } }, Resources: { F: { Properties: { S3Key: '<asset-hash>.zip' } } } });
});
