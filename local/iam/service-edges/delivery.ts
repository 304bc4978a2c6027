import { EXAMPLE_OBJECT, SERVICE } from './edge-set';
import type { EdgeSet } from './edge-set';
import { arnParts, get, list, str } from './json';

/** Edges where one service delivers to another: alarms, rules, SNS subscriptions, custom resources. */

export function alarmEdges(e: EdgeSet): void {
  const { of, label, source, config, service, publishToTopic } = e;
  // CloudWatch alarm actions → SNS topics (and the topic key).
  for (const alarm of of('AWS::CloudWatch::Alarm')) {
    const actions = new Set([...list(alarm.props.AlarmActions), ...list(alarm.props.OKActions), ...list(alarm.props.InsufficientDataActions)].map(String));
    for (const action of actions) {
      const from = `alarm ${label(alarm)}`;
      if (arnParts(action).service !== 'sns') {
        config(`${from} → ${action}`, 'alarm action', 'only SNS alarm actions are modelled');
        continue;
      }
      publishToTopic(from, service(SERVICE.cloudwatch), action, source(alarm.arn as string), {});
    }
  }
}

export function ruleEdges(e: EdgeSet): void {
  const { of, functions, label, source, policy, service, role, deliverTo } = e;
  // EventBridge rules → targets, and each target's dead-letter queue.
  for (const rule of of('AWS::Events::Rule')) {
    const from = `rule ${label(rule)}`;
    const ruleSource = source(rule.arn as string);
    for (const target of list(rule.props.Targets)) {
      const arn = String(get(target, 'Arn'));
      const roleArn = str(get(target, 'RoleArn'));
      const fn = functions.get(arn.split(':').slice(0, 7).join(':'));
      if (roleArn) {
        // The target is called with the role, which EventBridge assumes first.
        policy(`${from} → role ${roleArn} (sts:AssumeRole)`, service(SERVICE.events), 'sts:AssumeRole', roleArn, ruleSource);
        deliverTo(from, role(roleArn), arn, 'target', {});
      } else if (fn) {
        policy(`${from} → function ${label(fn)} (lambda:InvokeFunction)`, service(SERVICE.events), 'lambda:InvokeFunction', arn, ruleSource);
      } else {
        deliverTo(from, service(SERVICE.events), arn, 'target', ruleSource);
      }
      const dlq = str(get(target, 'DeadLetterConfig', 'Arn'));
      if (dlq) deliverTo(from, service(SERVICE.events), dlq, 'dead-letter queue', ruleSource);
    }
  }
}

export function subscriptionEdges(e: EdgeSet): void {
  const { of, label, source, config, service, deliverTo } = e;
  // SNS subscriptions.
  for (const sub of of('AWS::SNS::Subscription')) {
    const topicArn = String(sub.props.TopicArn);
    const topicName = arnParts(topicArn).resource;
    const protocol = String(sub.props.Protocol);
    const from = `topic ${topicName}`;
    if (protocol === 'email' || protocol === 'email-json') {
      const endpoint = str(sub.props.Endpoint);
      config(`${from} → ${protocol} subscription ${label(sub)} (no policy involved)`, `SNS delivers to ${endpoint}; the address confirms the subscription`, endpoint ? undefined : 'no Endpoint');
    } else if (protocol === 'sqs') {
      deliverTo(from, service(SERVICE.sns), String(sub.props.Endpoint), 'subscribed queue', source(topicArn));
    } else if (protocol === 'lambda') {
      deliverTo(from, service(SERVICE.sns), String(sub.props.Endpoint), 'subscribed', source(topicArn));
    } else {
      config(`${from} → ${protocol} subscription ${label(sub)}`, 'SNS subscription', `protocol ${protocol} is not modelled by the service-edge check`);
    }
  }
}

export function customResourceEdges(e: EdgeSet): void {
  const { model, functions, label, tls, policy, config, role } = e;
  // Custom resources: CloudFormation invokes the provider with the deploying role (no resource policy).
  for (const cr of model.resources.filter((r) => r.type.startsWith('Custom::') || r.type === 'AWS::CloudFormation::CustomResource')) {
    const token = String(cr.props.ServiceToken);
    const provider = functions.get(token);
    config(
      `cloudformation → custom resource ${label(cr)} provider (no resource policy: invoked with the deploying role)`,
      `ServiceToken ${token}`,
      provider ? undefined : 'the ServiceToken is not a function of this app',
    );
    if (cr.type === 'Custom::S3AutoDeleteObjects' && provider) {
      // CDK's auto-delete handler checks the bucket's tag, lists versions and deletes them.
      const bucketName = String(cr.props.BucketName);
      const providerRole = role(String(provider.props.Role));
      const from = `custom resource ${label(cr)}: provider role → bucket ${bucketName}`;
      for (const action of ['s3:GetBucketTagging', 's3:ListBucketVersions']) policy(`${from} (${action})`, providerRole, action, `arn:aws:s3:::${bucketName}`, tls);
      policy(`${from} objects (s3:DeleteObjectVersion)`, providerRole, 's3:DeleteObjectVersion', `arn:aws:s3:::${bucketName}/${EXAMPLE_OBJECT}`, tls);
    }
  }
}
