import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config';
import { EventFunction } from '../constructs/event-function';
import { PipelineContext, PipelineFunctionProps } from '../pipelines/context';
import { StorageRegion, stateRefs } from './state-refs';

/** A pipeline module adds its rules and functions to a stateless stack. */
export type PipelineModule = (ctx: PipelineContext) => void;

export interface PipelinesStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /**
   * The storage stack whose bucket, tables, topics and key the functions use. They are referenced
   * by name and SSM parameter (./state-refs.ts), never as constructs: no Fn::ImportValue pins them.
   */
  readonly storage: StorageRegion;
  readonly modules: PipelineModule[];
}

/**
 * Stateless: functions, rules, queues and alarms only. It holds no data, so it can be destroyed
 * and redeployed at any time without touching the storage stacks.
 */
export class PipelinesStack extends Stack {
  readonly functions: EventFunction[] = [];

  constructor(scope: Construct, id: string, props: PipelinesStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const state = stateRefs(this, config, props.storage);
    // Resource names come with the grants that unlock them (lib/constructs/grants.ts), never to every function.
    const common: Record<string, string> = { BLOB_ENV: config.name };
    const ctx: PipelineContext = {
      scope: this,
      config,
      ...state,
      functions: this.functions,
      eventFunction: (fid: string, fprops: PipelineFunctionProps) => {
        const fn = new EventFunction(this, fid, {
          ...fprops,
          environment: { ...common, ...fprops.environment },
          logRetentionDays: config.logRetentionDays,
          removalPolicy,
          alarmTopic: state.operationsTopic,
          dlqDepthThreshold: config.thresholds.dlqDepth,
          metricsNamespace: `blob-${config.name}`,
          reservedConcurrency: config.reservedConcurrency,
        });
        this.functions.push(fn);
        return fn;
      },
    };
    for (const addModule of props.modules) addModule(ctx);
  }
}
