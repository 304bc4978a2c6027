/** The bad-input corpus: wrong metadata types. */
import type { CorpusCase } from './types';
import { DATASET_CSV } from './samples';

const DATASET_CSV_SHA = 'c3d5ee7a3d7a1f6a9b0b7e0e1d9f6f3f2a8b2d9c3c2f7a1e0d8b7c6a5f4e3d2c';

export const METADATA_CASES: readonly CorpusCase[] = [
  {
    id: 'artifact-no-metadata',
    handler: 'artifacts-deploy',
    input: 'artifact without `version` and `commit` metadata',
    objects: [{ key: 'artifacts/v7.0.0/app.zip', body: { text: 'zip' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { rejected: /lacks metadata version and commit: re-upload with --metadata version=v7\.0\.0/ },
      kvAbsent: ['deployment/latest-version', 'deployment/rollback-v7.0.0', 'deployment/total-deploys'],
      kvListed: { 'deployment/rejected/v7.0.0/app.zip@': { status: 'rejected', objectKey: 'artifacts/v7.0.0/app.zip', notified: true } },
      notifications: [{ event: 'artifacts.rejected', body: { objectKey: 'artifacts/v7.0.0/app.zip', reason: /lacks metadata version and commit/ } }],
    },
  },
  {
    id: 'artifact-version-mismatch',
    handler: 'artifacts-deploy',
    input: 'artifact whose `version` metadata contradicts its path',
    objects: [{ key: 'artifacts/v7.0.1/app.zip', body: { text: 'zip' }, metadata: { version: '7.0.1', commit: 'abc123' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { rejected: /metadata version "7\.0\.1" differs from its path version "v7\.0\.1"/ },
      kvAbsent: ['deployment/latest-version', 'deployment/rollback-v7.0.1'],
      notifications: [{ event: 'artifacts.rejected', body: { objectKey: 'artifacts/v7.0.1/app.zip', reason: /differs from its path version/ } }],
    },
  },
  {
    id: 'dataset-rows-not-numeric',
    handler: 'datasets-verify',
    input: 'dataset with non-numeric `rows` metadata ("three")',
    objects: [{ key: 'datasets/v0.1.0/train.csv', body: { text: DATASET_CSV }, metadata: { rows: 'three' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'unverified', alert: 'none' },
      kv: { 'dataset/v0.1.0/train.csv': { status: 'unverified', problems: [/metadata rows "three" is not a non-negative integer/, /no hash metadata/], actual: { rows: 3 } } },
      notifications: [],
    },
  },
  {
    id: 'dataset-hash-malformed',
    handler: 'datasets-verify',
    input: 'dataset with a malformed `hash` (md5-length, not sha256)',
    objects: [{ key: 'datasets/v0.2.0/train.csv', body: { text: DATASET_CSV }, metadata: { hash: 'd41d8cd98f00b204e9800998ecf8427e', rows: '3' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'dataset/v0.2.0/train.csv': { status: 'unverified', problems: [/is not a sha256 hex digest/, /no hash metadata/], expected: { hash: null, rows: 3 } } },
      notifications: [],
    },
  },
  {
    id: 'dataset-hash-mismatch',
    handler: 'datasets-verify',
    input: 'dataset whose content contradicts its well-formed `hash` and `rows`',
    objects: [{ key: 'datasets/v0.3.0/train.csv', body: { text: DATASET_CSV }, metadata: { hash: DATASET_CSV_SHA, rows: '4' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'mismatch', alert: 'published' },
      kv: { 'dataset/v0.3.0/train.csv': { status: 'mismatch', problems: [/differs from metadata hash/, /3 rows differ from metadata rows 4/] } },
      notifications: [{ subject: /dataset v0\.3\.0\/train\.csv does not match its metadata/ }],
    },
  },
  {
    id: 'model-no-dataset-version',
    handler: 'models-lineage',
    input: 'model without `dataset_version` metadata',
    objects: [{ key: 'models/v3.0/model.pkl', body: { hex: '80049500' }, metadata: { training_time: 'yesterday' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { rejected: 'missing dataset_version' },
      kvAbsent: ['lineage/model/v3.0/model.pkl'],
      notifications: [{ event: 'models.rejected', body: { objectKey: 'models/v3.0/model.pkl', reason: /no usable dataset_version metadata/ } }],
    },
  },
];
