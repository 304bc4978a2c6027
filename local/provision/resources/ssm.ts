import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { str } from '../props';
import type { ResourceModule } from '../registry';

/** AWS::SSM::Parameter (how the CLIs find the stacks' names, on AWS and locally alike). */
export const ssmResources: ResourceModule = {
  'AWS::SSM::Parameter': async ({ resource, props, clients: c, named }) => {
    const name = named('Name', 2048);
    await c.ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: str(props.Value) as string,
        Type: (str(props.Type) ?? 'String') as 'String' | 'StringList',
        Description: str(props.Description),
        Overwrite: true,
      }),
    );
    return { type: resource.Type, ref: name, attrs: { Type: str(props.Type) ?? 'String', Value: str(props.Value) as string } };
  },
};
