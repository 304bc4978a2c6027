import type { RegionClients } from '../emulator/clients';
import type { StackArtifact, TemplateResource } from './assembly';
import type { Props } from './props';
import { dynamodbResources } from './resources/dynamodb';
import { eventsResources } from './resources/events';
import { kmsResources } from './resources/kms';
import { lambdaResources } from './resources/lambda';
import { notEmulated } from './resources/not-emulated';
import { s3Resources } from './resources/s3';
import { snsResources } from './resources/sns';
import { sqsResources } from './resources/sqs';
import { ssmResources } from './resources/ssm';
import type { LocalFunction, Physical, Provisioned } from './types';

/**
 * One template resource to create, with everything its type's module needs. Organised like moto's
 * CloudFormation parsing: the provisioner resolves the properties, each resource type's module
 * creates the resource with direct API calls and returns its physical id and attributes.
 */
export interface ResourceRequest {
  readonly stack: StackArtifact;
  readonly logicalId: string;
  readonly resource: TemplateResource;
  /** Properties with every intrinsic resolved to physical values. */
  readonly props: Props;
  /** "Stack/LogicalId", for messages. */
  readonly where: string;
  /** The emulator's clients in the stack's region. */
  readonly clients: RegionClients;
  /** The emulator's endpoint (queue URLs are built from it). */
  readonly endpoint: string;
  /** What the stacks provisioned so far (modules add functions, rules, buckets, topics, notes). */
  readonly result: Provisioned;
  /** Functions provisioned so far, by ARN (rules look their targets up here). */
  readonly functionsByArn: Map<string, LocalFunction>;
  /** Logical ids of the functions this stack's custom resources name as ServiceToken. */
  readonly customResourceProviders: ReadonlySet<string>;
  /** The template's name property, or CloudFormation's generated name. */
  named(prop: string, maxLength: number, lowercase?: boolean): string;
  /** An ARN in the stack's region and the local account. */
  arn(service: string, resource: string): string;
}

export type ResourceProvisioner = (request: ResourceRequest) => Promise<Physical>;

/** Provisioners by CloudFormation type, each contributed by the module of its service. */
export type ResourceModule = Readonly<Record<string, ResourceProvisioner>>;

const REGISTRY: ReadonlyMap<string, ResourceProvisioner> = new Map(
  Object.entries({ ...kmsResources, ...s3Resources, ...dynamodbResources, ...snsResources, ...sqsResources, ...ssmResources, ...lambdaResources, ...eventsResources }),
);

/** The provisioner of a type; types the local copy does not create are recorded as not emulated. */
export function provisionerFor(type: string): ResourceProvisioner {
  return REGISTRY.get(type) ?? notEmulated;
}
