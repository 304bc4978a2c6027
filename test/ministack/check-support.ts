import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { randomUUID } from 'node:crypto';
import { clientConfig } from '../../core/aws-config';
import type { DemoContext, DemoResult } from '../../local/demo/types';

/**
 * What the checks of checks.ts share: the environment and regions they run against, SDK clients built
 * with the project's clientConfig(), AWS's EventBridge envelope, and finding a deployed function.
 */
export const ENV = 'dev';
export const PRIMARY = 'eu-central-1';
export const REPLICA = 'us-west-2';

export type Check = (ctx: DemoContext) => Promise<DemoResult>;

export function client<T>(Ctor: new (cfg: ReturnType<typeof clientConfig>) => T, region: string): T {
  return new Ctor(clientConfig({ region }));
}

/** An EventBridge event as AWS delivers it to a Lambda target. */
export function envelope(detailType: string, source: string, account: string, region: string, resources: string[], detail: Record<string, unknown>) {
  return { version: '0', id: randomUUID(), 'detail-type': detailType, source, account, time: new Date().toISOString(), region, resources, detail };
}

export async function functionNamed(fragment: string): Promise<string> {
  const fns = (await client(LambdaClient, PRIMARY).send(new ListFunctionsCommand({}))).Functions ?? [];
  const match = fns.filter((f) => f.FunctionName?.includes(fragment));
  if (match.length !== 1) throw new Error(`expected one function matching "${fragment}", found ${match.length}`);
  return match[0]!.FunctionName!;
}
