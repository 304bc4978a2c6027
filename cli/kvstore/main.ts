import { main } from './program';

// Entry point of the kvstore bundle (tools/build-cli.mjs → dist/kvstore.cjs, run by bin/kvstore.cjs).
// The SDK's multi-line Node-version notice would break the one-line stderr contract scripts rely on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
void main();
