// The SDK clients the CLIs load on demand come through cli/shared/sdk/, one module per client,
// each re-exporting only the names the CLIs use. A dynamic `import('@aws-sdk/client-…')` would make
// the bundler keep the package's whole barrel, every operation and its schema (208 KB for SSM,
// 28 KB of re-exports and ~60 KB of schemas for S3), compiled on every run that loads the client.
// test/structure/imports.test.ts holds the rule for the whole runtime (core/, cli/, lambda/).
export { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
