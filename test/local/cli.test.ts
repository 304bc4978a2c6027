import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');

describe('npm run local: bad input', () => {
  test('an unknown environment is one clear line and exit code 3, before anything starts', () => {
    const r = spawnSync(tsx, [join(ROOT, 'local', 'main.ts'), '--env', 'qa'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n').pop()).toBe('local: error: unknown environment "qa" (use one of dev, staging, prod)');
  });

});
