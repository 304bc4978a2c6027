import { join } from 'node:path';
import { LocalStack, LocalStackOptions, startLocalStack } from '../../local/stack';
import { LOCAL_DIR, ROOT } from '../../local/paths';
import { cdkJsonContext, synthCached } from '../../local/provision/synth';

/** Synthesizes the local copy's test app (test/local/fixtures/app.ts), cached like the real one. */
export async function synthFixture(): Promise<string> {
  const dir = join(LOCAL_DIR, 'fixtures', 'e2e');
  const inputs = ['test/local/fixtures', 'lib', 'core', 'package-lock.json', 'cdk.json'].map((p) => join(ROOT, p));
  await synthCached(
    dir,
    inputs,
    'fixture',
    async (app) => {
      const { buildFixtureApp } = await import('../local/fixtures/app');
      buildFixtureApp(app);
    },
    { ...cdkJsonContext(), 'aws:cdk:enable-asset-metadata': true },
  );
  return dir;
}

/**
 * One local stack per test file: `const stack = useLocalStack();` then use `stack()` inside tests.
 * `fixture: true` runs the test app (real storage stacks + a small rule-routed function) instead of
 * the whole project app.
 */
export function useLocalStack(options: LocalStackOptions & { fixture?: boolean; lazyCdkOut?: () => string } = {}): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    // lazyCdkOut: an assembly a test's own beforeAll prepares (registered before this one, so it runs first).
    const cdkOut = options.fixture ? await synthFixture() : options.lazyCdkOut ? options.lazyCdkOut() : options.cdkOut;
    stack = await startLocalStack({ quiet: true, retryDelaysMs: [50, 100], ...options, cdkOut });
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);
  return () => {
    if (!stack) throw new Error('local stack not started (beforeAll failed; see the first error)');
    return stack;
  };
}
