/**
 * Key design of the kvstore table, shared by the CDK construct and the clients. It lives here, free
 * of aws-cdk-lib, so the CLI bundles do not pull the CDK in (9 MB and a slow start otherwise).
 * `pk` is the namespace (the key up to its first `/`), `sk` the whole key. `kvstore list deployment/`
 * is then one Query (pk = "deployment", begins_with(sk)), never a Scan. `expiresAt` (epoch seconds)
 * is the TTL attribute; readers also treat past values as absent because DynamoDB deletes expired
 * items lazily.
 */
export const KVSTORE_KEY = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;
