import { CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand } from '@aws-sdk/client-kms';
import { str, tagList } from '../props';
import type { ResourceModule } from '../registry';

/** AWS::KMS::Key and AWS::KMS::Alias (moto stores the key; encryption with it is nominal). */
export const kmsResources: ResourceModule = {
  'AWS::KMS::Key': async ({ resource, props, clients: c }) => {
    const key = await c.kms.send(
      new CreateKeyCommand({ Description: str(props.Description), Tags: tagList(props.Tags).map((t) => ({ TagKey: t.Key, TagValue: t.Value })) }),
    );
    const keyId = key.KeyMetadata?.KeyId as string;
    if (props.EnableKeyRotation === true) await c.kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    return { type: resource.Type, ref: keyId, attrs: { Arn: key.KeyMetadata?.Arn as string, KeyId: keyId } };
  },
  'AWS::KMS::Alias': async ({ resource, props, clients: c }) => {
    const name = str(props.AliasName) as string;
    const target = str(props.TargetKeyId) as string;
    await c.kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: target.split('/').pop() }));
    return { type: resource.Type, ref: name, attrs: {} };
  },
};
