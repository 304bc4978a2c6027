import type { ClientPool } from '../emulator/clients';
import { LOCAL_ACCOUNT_ID } from '../emulator/clients';
import type { StackArtifact, TemplateResource } from './assembly';
import { Json, resolve } from './intrinsics';
import { generatedName } from './naming';
import { Props, str } from './props';
import { provisionerFor, ResourceRequest } from './registry';
import { customResourceProviders, resolveContext, resourceOrder, ssmParameterValues } from './template';
import type { LocalFunction, Physical, Provisioned } from './types';

export type { LocalBucket, LocalFunction, LocalRule, LocalTopic, Provisioned, ProvisionedStack } from './types';

/**
 * Creates every resource of every stack on the emulator with direct API calls, in dependency order,
 * each stack in its own region; each resource type's module (registry.ts) does the creating. moto's
 * CloudFormation is not used: it drops bucket versioning, lifecycle, replication and notification
 * settings and hangs on Custom:: resources.
 */
export async function provision(stacks: StackArtifact[], clients: ClientPool): Promise<Provisioned> {
  const exportsByRegion = new Map<string, Map<string, string>>();
  const result: Provisioned = { stacks: [], functions: [], rules: [], buckets: [], topics: [], notEmulated: [], resources: [] };
  const functionsByArn = new Map<string, LocalFunction>();

  for (const stack of stacks) {
    const template = stack.template;
    const resources = template.Resources ?? {};
    const physical = new Map<string, Physical>();
    const c = clients.get(stack.region);
    const exportsHere = exportsByRegion.get(stack.region) ?? new Map<string, string>();
    exportsByRegion.set(stack.region, exportsHere);
    const ctx = resolveContext(stack, physical, await ssmParameterValues(template, c), exportsHere);
    const providers = customResourceProviders(resources);

    for (const logicalId of resourceOrder(resources)) {
      const res = resources[logicalId] as TemplateResource;
      if (res.Condition && !ctx.condition(res.Condition)) continue;
      const props = (resolve((res.Properties ?? {}) as Json, ctx) ?? {}) as Props;
      const where = `${stack.name}/${logicalId}`;
      const request: ResourceRequest = {
        stack,
        logicalId,
        resource: res,
        props,
        where,
        clients: c,
        endpoint: clients.endpoint,
        result,
        functionsByArn,
        customResourceProviders: providers,
        named: (prop, max, lower = false) => str(props[prop]) ?? generatedName(stack.name, logicalId, max, lower),
        arn: (service, resource) => `arn:aws:${service}:${stack.region}:${LOCAL_ACCOUNT_ID}:${resource}`,
      };
      let p: Physical;
      try {
        p = await provisionerFor(res.Type)(request);
      } catch (err) {
        throw new Error(`provisioning ${where} (${res.Type}) failed: ${(err as Error).message}`, { cause: err });
      }
      physical.set(logicalId, p);
      const resolvedArn = p.attrs.Arn;
      result.resources.push({ stackName: stack.name, region: stack.region, logicalId, type: res.Type, props, ref: p.ref, arn: typeof resolvedArn === 'string' ? resolvedArn : undefined });
    }

    const outputs: Record<string, string> = {};
    for (const [name, out] of Object.entries(template.Outputs ?? {})) {
      if (out.Condition && !ctx.condition(out.Condition)) continue;
      const value = str(resolve(out.Value, ctx)) ?? '';
      outputs[name] = value;
      if (out.Export) exportsHere.set(str(resolve(out.Export.Name, ctx)) as string, value);
    }
    result.stacks.push({
      name: stack.name,
      region: stack.region,
      outputs,
      resources: Object.fromEntries([...physical].map(([id, p]) => [id, { type: p.type, physicalId: p.ref }])),
    });
  }
  return result;
}
