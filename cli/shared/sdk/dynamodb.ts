// Loaded on demand; why through here: cli/shared/sdk/s3.ts. For kvstore and `blob history` (both through the document client).
export { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
