import { clientConfig } from '../../core/aws-config';
import { clientOptions } from '../../cli/shared/options';

/**
 * Issue 14 class 10, "one error line only": the SDK prints warnings through console.warn unless a
 * client has a logger, which would put an extra line on stderr before the CLI's own. Every CLI
 * client is built from clientOptions(), so that is where the logger must come from, for every
 * service and for the agent-session clients too.
 */
describe('every CLI client is configured silent', () => {
  const cases: [string, Parameters<typeof clientOptions>[0]][] = [
    ['plain', {}],
    ['with region and endpoint', { region: 'eu-central-1', endpoint: 'http://127.0.0.1:1' }],
    ['acting as an agent', { env: 'dev', as: 'alice', session: 's1' }],
  ];
  test.each(cases)('%s', (_name, g) => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (const service of ['s3', 'dynamodb', 'ssm', 'sts']) {
        const cfg = clientConfig(clientOptions(g), service);
        expect(cfg.logger).toBeDefined();
        cfg.logger?.warn('a warning the SDK would print');
        cfg.logger?.error('an error the SDK would print');
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
