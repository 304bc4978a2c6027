import { createHash } from 'node:crypto';
import type { Template, TemplateResource } from '../provision/assembly';
import { LOCAL_ACCOUNT_ID } from '../emulator/clients';
import { evaluateCondition, type Json, resolve, type ResolveContext } from '../provision/intrinsics';
import { generatedName } from '../provision/naming';
import type { ResolvedResource } from './policies';

/**
 * A synthesized app as AWS would hold it after deploy, computed from the templates alone (no
 * emulator): every resource with its properties resolved to physical values. Physical names follow
 * the local provisioner's deterministic scheme (`generatedName`), the account is the local copy's,
 * Fn::ImportValue reads the exporting stack's Outputs, and an `AWS::SSM::Parameter::Value<String>`
 * template parameter takes the value the owning stack's AWS::SSM::Parameter of that Name sets, so
 * the resolved values are those CloudFormation would pass at deploy. Everything resolves lazily
 * (a name only when something refers to it), so stack order and forward references do not matter.
 */

/** One stack of a synthesized app; `paths` maps logical ids to construct paths when known. */
export interface ModelStack {
  readonly name: string;
  readonly region: string;
  readonly template: Template;
  readonly paths?: ReadonlyMap<string, string>;
}

export interface TemplateModel {
  readonly accountId: string;
  readonly stacks: readonly ModelStack[];
  /** Every resource of every stack whose Condition holds, properties resolved. */
  readonly resources: readonly ResolvedResource[];
  /** The construct path (without the leading slash) of a resource, else "Stack/LogicalId". */
  label(r: Pick<ResolvedResource, 'stackName' | 'logicalId'>): string;
  /** A key as S3, SNS or a replication rule name it (key id, key ARN, alias name or alias ARN) → key ARN. */
  keyArn(region: string, keyRef: string): string | undefined;
}

/** The subset of aws-cdk-lib's CloudFormationStackArtifact this module reads (app.synth().stacks). */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly environment: { readonly region: string };
  readonly template: unknown;
  findMetadataByType(type: string): Array<{ readonly path: string; readonly data?: unknown }>;
}

/** Stacks of an in-process `app.synth()`, with construct paths from the aws:cdk:logicalId metadata. */
export function stacksFromSynth(stacks: readonly SynthesizedStack[]): ModelStack[] {
  return stacks.map((s) => {
    const paths = new Map<string, string>();
    for (const m of s.findMetadataByType('aws:cdk:logicalId')) {
      if (typeof m.data === 'string') paths.set(m.data, m.path.replace(/^\//, '').replace(/\/Resource$/, ''));
    }
    return { name: s.stackName, region: s.environment.region, template: s.template as Template, paths };
  });
}

interface Physical {
  readonly ref: string;
  readonly attrs: Record<string, Json>;
}

/** KMS key ids are UUIDs; a deterministic one keeps key ARNs stable across runs. */
function keyId(stackName: string, logicalId: string): string {
  const h = createHash('sha256').update(`kms/${stackName}/${logicalId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function buildTemplateModel(stacks: readonly ModelStack[], accountId: string = LOCAL_ACCOUNT_ID): TemplateModel {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const physicalCache = new Map<string, Physical>();
  const conditionCache = new Map<string, boolean>();
  const inProgress = new Set<string>();

  const guarded = <T>(key: string, compute: () => T): T => {
    if (inProgress.has(key)) throw new Error(`circular reference while resolving ${key}`);
    inProgress.add(key);
    try {
      return compute();
    } finally {
      inProgress.delete(key);
    }
  };

  const context = (stack: ModelStack): ResolveContext => {
    const ctx: ResolveContext = {
      accountId,
      region: stack.region,
      stackName: stack.name,
      ref: (id) => {
        if (stack.template.Resources[id]) return physical(stack, id).ref;
        const param = stack.template.Parameters?.[id];
        if (param) return parameterValue(stack, id, param);
        throw new Error(`${stack.name}: Ref to unknown ${id}`);
      },
      getAtt: (id, attr) => {
        const v = physical(stack, id).attrs[attr];
        if (v === undefined) throw new Error(`${stack.name}: Fn::GetAtt ${id}.${attr} is not modelled for ${stack.template.Resources[id]?.Type}`);
        return v;
      },
      importValue: (name) => importValue(stack, name),
      condition: (name) => {
        const key = `${stack.name}|${name}`;
        let v = conditionCache.get(key);
        if (v === undefined) {
          const def = stack.template.Conditions?.[name];
          if (def === undefined) throw new Error(`${stack.name}: unknown condition ${name}`);
          v = guarded(`condition ${key}`, () => evaluateCondition(def, ctx));
          conditionCache.set(key, v);
        }
        return v;
      },
    };
    return ctx;
  };
  const contexts = new Map(stacks.map((s) => [s.name, context(s)]));
  const ctxOf = (stack: ModelStack) => contexts.get(stack.name) as ResolveContext;

  /** Value of a template parameter: SSM-typed ones by the parameter another stack of this app writes. */
  function parameterValue(stack: ModelStack, id: string, param: { Type: string; Default?: Json }): string {
    if (param.Type.startsWith('AWS::SSM::Parameter::Value<')) {
      const name = String(param.Default);
      for (const s of stacks) {
        for (const r of Object.values(s.template.Resources)) {
          if (r.Type !== 'AWS::SSM::Parameter') continue;
          if (resolve((r.Properties?.Name ?? null) as Json, ctxOf(s)) !== name) continue;
          return String(guarded(`ssm ${name}`, () => resolve((r.Properties?.Value ?? '') as Json, ctxOf(s))));
        }
      }
      throw new Error(`${stack.name}: parameter ${id} reads SSM parameter ${name}, which no stack of this app creates`);
    }
    if (param.Default === undefined) throw new Error(`${stack.name}: parameter ${id} has no default`);
    return String(param.Default);
  }

  /** Fn::ImportValue: exports are regional, as in CloudFormation. */
  function importValue(stack: ModelStack, name: string): string {
    for (const s of stacks) {
      if (s.region !== stack.region) continue;
      for (const out of Object.values(s.template.Outputs ?? {})) {
        if (!out.Export || resolve(out.Export.Name, ctxOf(s)) !== name) continue;
        return String(guarded(`export ${name}`, () => resolve(out.Value, ctxOf(s))));
      }
    }
    throw new Error(`${stack.name}: Fn::ImportValue ${name}: no stack in ${stack.region} exports it`);
  }

  /** Ref and attributes of a resource, derived from its naming property only (so cycles elsewhere do not matter). */
  function physical(stack: ModelStack, id: string): Physical {
    const key = `${stack.name}|${id}`;
    const cached = physicalCache.get(key);
    if (cached) return cached;
    const res = stack.template.Resources[id];
    if (!res) throw new Error(`${stack.name}: no resource ${id}`);
    const p = guarded(`resource ${key}`, () => computePhysical(stack, id, res));
    physicalCache.set(key, p);
    return p;
  }

  function computePhysical(stack: ModelStack, id: string, res: TemplateResource): Physical {
    const ctx = ctxOf(stack);
    const prop = (name: string): string | undefined => {
      const v = res.Properties?.[name];
      return v === undefined ? undefined : String(resolve(v, ctx));
    };
    const named = (name: string, max: number, lower = false) => prop(name) ?? generatedName(stack.name, id, max, lower);
    const arn = (service: string, resource: string) => `arn:aws:${service}:${stack.region}:${accountId}:${resource}`;
    switch (res.Type) {
      case 'AWS::S3::Bucket': {
        const name = named('BucketName', 63, true);
        return {
          ref: name,
          attrs: {
            Arn: `arn:aws:s3:::${name}`,
            DomainName: `${name}.s3.amazonaws.com`,
            RegionalDomainName: `${name}.s3.${stack.region}.amazonaws.com`,
          },
        };
      }
      case 'AWS::KMS::Key': {
        const kid = keyId(stack.name, id);
        return { ref: kid, attrs: { Arn: arn('kms', `key/${kid}`), KeyId: kid } };
      }
      case 'AWS::KMS::Alias':
        return { ref: prop('AliasName') as string, attrs: {} };
      case 'AWS::DynamoDB::Table': {
        const name = named('TableName', 255);
        return { ref: name, attrs: { Arn: arn('dynamodb', `table/${name}`), StreamArn: arn('dynamodb', `table/${name}/stream/model`) } };
      }
      case 'AWS::SNS::Topic': {
        const name = named('TopicName', 256);
        const topicArn = arn('sns', name);
        return { ref: topicArn, attrs: { TopicArn: topicArn, TopicName: name } };
      }
      case 'AWS::SQS::Queue': {
        const fifo = res.Properties?.FifoQueue === true;
        const name = prop('QueueName') ?? `${generatedName(stack.name, id, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
        const url = `https://sqs.${stack.region}.amazonaws.com/${accountId}/${name}`;
        return { ref: url, attrs: { Arn: arn('sqs', name), QueueName: name, QueueUrl: url } };
      }
      case 'AWS::SSM::Parameter': {
        const name = named('Name', 2048);
        return { ref: name, attrs: { Type: prop('Type') ?? 'String', Value: prop('Value') ?? '' } };
      }
      case 'AWS::Lambda::Function': {
        const name = named('FunctionName', 64);
        return { ref: name, attrs: { Arn: arn('lambda', `function:${name}`) } };
      }
      case 'AWS::Events::EventBus': {
        const name = named('Name', 256);
        return { ref: name, attrs: { Arn: arn('events', `event-bus/${name}`), Name: name } };
      }
      case 'AWS::Events::Rule': {
        const name = named('Name', 64);
        const bus = prop('EventBusName');
        const onDefault = !bus || bus === 'default' || bus.endsWith(':event-bus/default');
        const busName = bus?.split('/').pop();
        return { ref: onDefault ? name : `${busName}|${name}`, attrs: { Arn: arn('events', onDefault ? `rule/${name}` : `rule/${busName}/${name}`) } };
      }
      case 'AWS::IAM::Role': {
        const name = named('RoleName', 64);
        const path = prop('Path') ?? '/';
        return { ref: name, attrs: { Arn: `arn:aws:iam::${accountId}:role${path}${name}`, RoleId: `AROA${keyId(stack.name, id).replace(/-/g, '').slice(0, 17).toUpperCase()}` } };
      }
      case 'AWS::IAM::ManagedPolicy': {
        const name = named('ManagedPolicyName', 128);
        return { ref: `arn:aws:iam::${accountId}:policy${prop('Path') ?? '/'}${name}`, attrs: {} };
      }
      case 'AWS::Logs::LogGroup': {
        const name = named('LogGroupName', 512);
        // CloudFormation's Arn attribute of a log group ends in ":*" (it names the group's streams).
        return { ref: name, attrs: { Arn: arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::CloudWatch::Alarm': {
        const name = named('AlarmName', 255);
        return { ref: name, attrs: { Arn: arn('cloudwatch', `alarm:${name}`) } };
      }
      // AWS Backup: a plan names its vault by BackupVaultName, a selection its plan by BackupPlanId.
      case 'AWS::Backup::BackupVault': {
        const name = named('BackupVaultName', 50);
        const vaultArn = arn('backup', `backup-vault:${name}`);
        return { ref: name, attrs: { Arn: vaultArn, BackupVaultArn: vaultArn, BackupVaultName: name } };
      }
      case 'AWS::Backup::BackupPlan': {
        const planId = keyId(stack.name, id);
        const planArn = arn('backup', `backup-plan:${planId}`);
        return { ref: planId, attrs: { Arn: planArn, BackupPlanArn: planArn, BackupPlanId: planId, VersionId: planId } };
      }
      default: {
        const name = generatedName(stack.name, id, 64);
        const service = res.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
        return { ref: name, attrs: { Arn: arn(service, name) } };
      }
    }
  }

  const resources: ResolvedResource[] = [];
  for (const stack of stacks) {
    const ctx = ctxOf(stack);
    for (const [logicalId, res] of Object.entries(stack.template.Resources)) {
      if (res.Condition && !ctx.condition(res.Condition)) continue;
      let props: Record<string, Json>;
      try {
        props = (resolve((res.Properties ?? {}) as Json, ctx) ?? {}) as Record<string, Json>;
      } catch (err) {
        throw new Error(`${stack.name}/${logicalId} (${res.Type}): ${(err as Error).message}`, { cause: err });
      }
      const p = physical(stack, logicalId);
      const arnAttr = p.attrs.Arn ?? p.attrs.TopicArn;
      resources.push({ stackName: stack.name, region: stack.region, logicalId, type: res.Type, props, ref: p.ref, ...(typeof arnAttr === 'string' ? { arn: arnAttr } : {}) });
    }
  }

  const keys = new Map<string, string>(); // `${region}|${key id, key ARN, alias name or alias ARN}` → key ARN
  for (const r of resources) if (r.type === 'AWS::KMS::Key' && r.arn) for (const k of [r.ref, r.arn]) keys.set(`${r.region}|${k}`, r.arn);
  for (const r of resources) {
    if (r.type !== 'AWS::KMS::Alias') continue;
    const target = keys.get(`${r.region}|${String(r.props.TargetKeyId)}`);
    const alias = String(r.props.AliasName);
    if (target) for (const k of [alias, `arn:aws:kms:${r.region}:${accountId}:${alias}`]) keys.set(`${r.region}|${k}`, target);
  }

  return {
    accountId,
    stacks,
    resources,
    label: (r) => byName.get(r.stackName)?.paths?.get(r.logicalId) ?? `${r.stackName}/${r.logicalId}`,
    keyArn: (region, keyRef) => keys.get(`${keyRef.startsWith('arn:') ? keyRef.split(':')[3] : region}|${keyRef}`),
  };
}
