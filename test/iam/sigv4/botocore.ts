/** Requests signed by botocore (the AWS CLI's signer) and by the AWS CLI itself, run from the project venv. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AKID, BUCKET, CaptureServer, Captured, ODD_KEYS, REGION, SECRET, fromUrl, normalLabel } from './capture';

const PYTHON = `
import json, sys
import botocore.session
from botocore.config import Config
endpoint, keys = sys.argv[1], json.loads(sys.argv[2])
session = botocore.session.get_session()
cfg = Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1, 'mode': 'standard'}, signature_version='s3v4')
kw = dict(region_name='${REGION}', endpoint_url=endpoint, aws_access_key_id='${AKID}', aws_secret_access_key='${SECRET}', config=cfg)
s3 = session.create_client('s3', **kw)
def attempt(label, f):
    def tag(request, **_):
        request.headers['x-test-label'] = label
    s3.meta.events.register_first('before-sign.*.*', tag)
    for c in clients:
        c.meta.events.register_first('before-sign.*.*', tag)
    try:
        f()
    except Exception:
        pass
    s3.meta.events.unregister('before-sign.*.*', tag)
    for c in clients:
        c.meta.events.unregister('before-sign.*.*', tag)
clients = [session.create_client(n, **kw) for n in ('dynamodb', 'sns', 'sqs', 'kms', 'ssm', 'events')]
ddb, sns, sqs, kms, ssm, events = clients
urls = {}
for key in keys:
    k = json.dumps(key)
    attempt('cli PutObject ' + k, lambda: s3.put_object(Bucket='${BUCKET}', Key=key, Body=b'x', ServerSideEncryption='aws:kms'))
    attempt('cli GetObject ' + k, lambda: s3.get_object(Bucket='${BUCKET}', Key=key, VersionId='v+1/2='))
    attempt('cli CopyObject ' + k, lambda: s3.copy_object(Bucket='${BUCKET}', Key=key + '-copy', CopySource={'Bucket': '${BUCKET}', 'Key': key, 'VersionId': 'v1'}))
    attempt('cli DeleteObjects ' + k, lambda: s3.delete_objects(Bucket='${BUCKET}', Delete={'Objects': [{'Key': key}, {'Key': key + '<&>', 'VersionId': 'v2'}]}))
    attempt('cli ListObjectsV2 ' + k, lambda: s3.list_objects_v2(Bucket='${BUCKET}', Prefix=key, Delimiter='/', MaxKeys=5))
    urls['cli presigned GetObject ' + k] = s3.generate_presigned_url('get_object', Params={'Bucket': '${BUCKET}', 'Key': key}, ExpiresIn=300)
attempt('cli DynamoDB PutItem', lambda: ddb.put_item(TableName='kv', Item={'pk': {'S': 'ns#ü'}}))
attempt('cli SNS Publish', lambda: sns.publish(TopicArn='arn:aws:sns:${REGION}:000000000000:t', Message='héllo & +'))
attempt('cli SQS SendMessage', lambda: sqs.send_message(QueueUrl=endpoint + '/000000000000/q', MessageBody='m'))
attempt('cli KMS Encrypt', lambda: kms.encrypt(KeyId='alias/x', Plaintext=b'p'))
attempt('cli SSM GetParameter', lambda: ssm.get_parameter(Name='/blob/dev/bucket'))
attempt('cli EventBridge PutEvents', lambda: events.put_events(Entries=[{'Source': 's', 'DetailType': 'd', 'Detail': '{}'}]))
print(json.dumps(urls))
`;

const VENV_BIN = join(__dirname, '..', '..', '..', '.venv', 'bin');
const exec = promisify(execFile);
const cliEnv = (tmpHome: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tmpHome, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  return env;
};

export async function botocoreRequests(server: CaptureServer, tmpHome: string): Promise<Captured[]> {
  const script = join(tmpHome, 'sign.py');
  writeFileSync(script, PYTHON);
  const before = server.captured.length;
  server.label = 'botocore';
  const { stdout } = await exec(join(VENV_BIN, 'python'), [script, server.endpoint, JSON.stringify(ODD_KEYS)], { env: cliEnv(tmpHome), timeout: 60_000 });
  const urls = JSON.parse(stdout) as Record<string, string>;
  return [...server.captured.slice(before), ...Object.entries(urls).map(([name, url]) => fromUrl(normalLabel(name), url))];
}

/** The AWS CLI itself: `aws s3 presign` for a key with every awkward character. */
export async function awsCliPresign(server: CaptureServer, tmpHome: string): Promise<Captured> {
  const key = 'cli dir/naïve+~*\'(x).txt';
  const { stdout } = await exec(
    join(VENV_BIN, 'aws'),
    ['s3', 'presign', `s3://${BUCKET}/${key}`, '--expires-in', '600', '--endpoint-url', server.endpoint, '--region', REGION],
    { env: { ...cliEnv(tmpHome), AWS_ACCESS_KEY_ID: AKID, AWS_SECRET_ACCESS_KEY: SECRET }, timeout: 60_000 },
  );
  return fromUrl(`aws s3 presign ${JSON.stringify(key)}`, stdout.trim());
}
