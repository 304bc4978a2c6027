#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { EXIT } from '../cli/shared/cli-errors';
import { buildApp, configFromContext } from '../lib/app';

const app = new App();
try {
  buildApp(app, configFromContext(app), { nag: app.node.tryGetContext('nag') === 'true' });
} catch (err) {
  // A config error is the user's to fix: one clear line, no stack trace.
  console.error(`error: ${(err as Error).message}`);
  process.exit(EXIT.CONFIG);
}
app.synth();
