/** Request mapping — KMS: every KeyId form resolved to the key ARN. */
import { ACCOUNT, EU, expectChecks, json, K1, K1_ID, K2, US } from './fixture';

const KMS_KEY_FORMS: Array<[string, string]> = [
  ['key id', K1_ID],
  ['key ARN', K1],
  ['alias name', 'alias/blob-dev-storage'],
  ['alias ARN', `arn:aws:kms:${EU}:${ACCOUNT}:alias/blob-dev-storage`],
];

export function kmsSuite(): void {
  describe('KMS: KeyId in every form → the key ARN; direct calls carry no kms:ViaService', () => {
    test.each(KMS_KEY_FORMS)('Encrypt with %s', (form, keyId) => {
      expectChecks(`kms ${form}`, json('kms', 'TrentService.Encrypt', { KeyId: keyId, Plaintext: 'cA==', EncryptionContext: { purpose: 'test' } }), [
        ['kms:Encrypt', K1, { 'kms:ViaService': undefined, 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:purpose': 'test', 'kms:EncryptionContextKeys': ['purpose'], 'kms:RequestAlias': form.startsWith('alias') ? 'alias/blob-dev-storage' : undefined }],
      ]);
    });
    test.each(['GenerateDataKey', 'DescribeKey', 'GetKeyPolicy', 'GetKeyRotationStatus'])('%s', (op) => {
      expectChecks(`kms ${op}`, json('kms', `TrentService.${op}`, { KeyId: K1_ID }), [[`kms:${op}`, K1]]);
    });
    test('Decrypt without KeyId: the key named in the (emulator’s) ciphertext', () => {
      const blob = Buffer.concat([Buffer.from(K1_ID), Buffer.alloc(40, 7)]).toString('base64');
      expectChecks('kms decrypt blob', json('kms', 'TrentService.Decrypt', { CiphertextBlob: blob }), [['kms:Decrypt', K1]]);
    });
    test('ReEncrypt → ReEncryptFrom on the source key, ReEncryptTo on the destination', () => {
      expectChecks('kms reencrypt', json('kms', 'TrentService.ReEncrypt', { CiphertextBlob: 'AA==', SourceKeyId: K1_ID, DestinationKeyId: 'alias/blob-dev-replica' }, US), [
        ['kms:ReEncryptFrom', `arn:aws:kms:${US}:${ACCOUNT}:key/${K1_ID}`],
        ['kms:ReEncryptTo', K2],
      ]);
    });
    test('an unknown alias keeps its alias ARN (not key/alias/…)', () => {
      expectChecks('kms unknown alias', json('kms', 'TrentService.Encrypt', { KeyId: 'alias/nope' }), [['kms:Encrypt', `arn:aws:kms:${EU}:${ACCOUNT}:alias/nope`]]);
    });
    test('CreateAlias: on the alias and on the key', () => {
      expectChecks('kms create alias', json('kms', 'TrentService.CreateAlias', { AliasName: 'alias/new', TargetKeyId: K1_ID }), [
        ['kms:CreateAlias', `arn:aws:kms:${EU}:${ACCOUNT}:alias/new`],
        ['kms:CreateAlias', K1],
      ]);
    });
    test('ListKeys / ListAliases', () => {
      expectChecks('kms list', json('kms', 'TrentService.ListAliases', {}), [['kms:ListAliases', '*']]);
    });
  });
}
