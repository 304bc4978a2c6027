import { EXAMPLE_LOG_STREAM, SERVICE } from './edge-set';
import type { EdgeSet } from './edge-set';
import { get, str } from './json';

export function lambdaEdges(e: EdgeSet): void {
  const { account, of, functions, logGroups, label, source, policy, service, role, deliverTo } = e;
  // Lambda: assumes each function's role, writes its logs (and traces), delivers failed async events.
  const invokeConfigs = of('AWS::Lambda::EventInvokeConfig');
  for (const fn of functions.values()) {
    const from = `function ${label(fn)}`;
    const roleArn = String(fn.props.Role);
    const fnRole = role(roleArn);
    policy(`lambda → role of ${from} (sts:AssumeRole)`, service(SERVICE.lambda), 'sts:AssumeRole', roleArn, source(fn.arn as string));
    const logGroup = str(get(fn.props.LoggingConfig, 'LogGroup')) ?? `/aws/lambda/${fn.ref}`;
    const groupArn = `arn:aws:logs:${fn.region}:${account}:log-group:${logGroup}`;
    // AWS authorizes both calls against the stream ARN (what its AccessDenied messages name).
    const streamArn = `${groupArn}:log-stream:${EXAMPLE_LOG_STREAM}`;
    const lg = logGroups.get(logGroup);
    const lgLabel = lg ? label(lg) : logGroup;
    if (!lg) policy(`${from} → log group ${lgLabel} (logs:CreateLogGroup)`, fnRole, 'logs:CreateLogGroup', `${groupArn}:log-stream:`, {});
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) policy(`${from} → log group ${lgLabel} (${action})`, fnRole, action, streamArn, {});
    if (get(fn.props.TracingConfig, 'Mode') === 'Active') {
      for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) policy(`${from} → X-Ray (${action})`, fnRole, action, '*', {});
    }
    const dlq = str(get(fn.props.DeadLetterConfig, 'TargetArn'));
    if (dlq) deliverTo(`${from} async failure`, fnRole, dlq, 'dead-letter queue', {});
    for (const ic of invokeConfigs) {
      if (ic.props.FunctionName !== fn.ref && ic.props.FunctionName !== fn.arn) continue;
      for (const when of ['OnFailure', 'OnSuccess'] as const) {
        const dest = str(get(ic.props.DestinationConfig, when, 'Destination'));
        if (dest) deliverTo(`${from} async ${when === 'OnFailure' ? 'failure' : 'success'}`, fnRole, dest, 'destination', {});
      }
    }
  }
}
