import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnvironmentConfig, loadEnvironmentConfig, resourceNames } from './config';
import { ReplicaStorageStack } from './stacks/replica-storage-stack';
import { StorageStack } from './stacks/storage-stack';
import { PipelinesStack } from './stacks/pipelines-stack';
import { PRIMARY_MODULES, REPLICA_MODULES } from './pipelines';

export interface BlobStacks {
  readonly replicaStorage: ReplicaStorageStack;
  readonly storage: StorageStack;
  readonly pipelines: PipelinesStack;
  readonly replicaPipelines: PipelinesStack;
}

/**
 * Builds every stack of one environment into `app`. Shared by bin/app.ts, the tests and the local
 * copy so that all three see the same templates.
 */
export function buildApp(app: App, config: EnvironmentConfig, options: { nag?: boolean } = {}): BlobStacks {
  const names = resourceNames(config.name);
  const primary = { account: config.account, region: config.primaryRegion };
  const replica = { account: config.account, region: config.replicaRegion };

  const replicaStorage = new ReplicaStorageStack(app, names.stacks.replicaStorage, {
    env: replica,
    config,
    description: `blob ${config.name}: replica-region storage (critical/ replica, tables)`,
    terminationProtection: config.name === 'prod',
  });
  const storage = new StorageStack(app, names.stacks.storage, {
    env: primary,
    config,
    description: `blob ${config.name}: primary storage (bucket, kvstore, topics)`,
    terminationProtection: config.name === 'prod',
  });
  // The replication rule names the replica bucket, key alias and role: they must exist first.
  storage.addStackDependency(replicaStorage);

  const pipelines = new PipelinesStack(app, names.stacks.pipelines, {
    env: primary,
    config,
    description: `blob ${config.name}: event pipelines (stateless)`,
    storage: 'primary',
    modules: PRIMARY_MODULES,
  });
  const replicaPipelines = new PipelinesStack(app, names.stacks.replicaPipelines, {
    env: replica,
    config,
    description: `blob ${config.name}: replica-region pipelines (stateless)`,
    storage: 'replica',
    modules: REPLICA_MODULES,
  });
  // The pipelines refer to storage by name and SSM parameter, not by construct (no Fn::ImportValue
  // pins the stateful stacks), so CDK infers no order: state them, for `cdk deploy --all`.
  pipelines.addStackDependency(storage);
  replicaPipelines.addStackDependency(replicaStorage);

  Tags.of(app).add('project', 'agent-blob-layer');
  Tags.of(app).add('environment', config.name);
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { replicaStorage, storage, pipelines, replicaPipelines };
}

export function configFromContext(app: App): EnvironmentConfig {
  const name = (app.node.tryGetContext('env') as string | undefined) ?? 'dev';
  return loadEnvironmentConfig(name, {
    account: process.env.CDK_DEPLOY_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT,
    notificationEmail: process.env.BLOB_NOTIFICATION_EMAIL,
  });
}
