import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { Target } from '@aws-sdk/client-eventbridge';
import type { Json } from '../intrinsics';
import { str } from '../props';
import type { ResourceModule, ResourceRequest } from '../registry';
import type { LocalFunction, Physical } from '../types';

/**
 * A rule with its targets. moto's EventBridge cannot invoke Lambda: it matches the pattern and
 * puts the envelope on the function's invoke queue instead, which the local runtime consumes.
 */
async function createRule({ stack, logicalId, resource, props, clients: c, where, result, functionsByArn, named, arn }: ResourceRequest): Promise<Physical> {
  const name = named('Name', 64);
  const busName = str(props.EventBusName);
  const state = str(props.State) ?? 'ENABLED';
  const rule = await c.events.send(
    new PutRuleCommand({
      Name: name,
      EventBusName: busName,
      EventPattern: props.EventPattern ? JSON.stringify(props.EventPattern) : undefined,
      ScheduleExpression: str(props.ScheduleExpression),
      State: state === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      Description: str(props.Description),
    }),
  );
  const fns: LocalFunction[] = [];
  const targets: Target[] = [];
  for (const t of (props.Targets ?? []) as Array<Record<string, Json>>) {
    const targetArn = str(t.Arn) as string;
    const fn = functionsByArn.get(targetArn.split(':').slice(0, 7).join(':'));
    let localArn = targetArn;
    if (fn) {
      fns.push(fn);
      localArn = fn.invokeQueueArn;
    } else if (!targetArn.startsWith('arn:aws:sqs:') && !targetArn.includes(':events:')) {
      result.notEmulated.push(`${where}: target ${targetArn} is not delivered locally (only Lambda and SQS targets are)`);
      continue;
    }
    targets.push({
      Id: str(t.Id) as string,
      Arn: localArn,
      Input: str(t.Input),
      InputPath: str(t.InputPath),
      InputTransformer: t.InputTransformer as Target['InputTransformer'],
      DeadLetterConfig: t.DeadLetterConfig as Target['DeadLetterConfig'],
      RetryPolicy: t.RetryPolicy as Target['RetryPolicy'],
    });
  }
  if (targets.length) await c.events.send(new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: targets }));
  const ruleArn = rule.RuleArn ?? arn('events', `rule/${name}`);
  result.rules.push({
    logicalId,
    stackName: stack.name,
    region: stack.region,
    name,
    arn: ruleArn,
    schedule: str(props.ScheduleExpression),
    enabled: state !== 'DISABLED',
    functions: fns,
  });
  return { type: resource.Type, ref: name, attrs: { Arn: ruleArn } };
}

/** AWS::Events::EventBus and AWS::Events::Rule. */
export const eventsResources: ResourceModule = {
  'AWS::Events::EventBus': async ({ resource, clients: c, named }) => {
    const name = named('Name', 256);
    const bus = await c.events.send(new CreateEventBusCommand({ Name: name }));
    return { type: resource.Type, ref: name, attrs: { Arn: bus.EventBusArn as string, Name: name } };
  },
  'AWS::Events::Rule': createRule,
};
