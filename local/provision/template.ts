import { GetParametersCommand } from '@aws-sdk/client-ssm';
import type { RegionClients } from '../emulator/clients';
import { LOCAL_ACCOUNT_ID } from '../emulator/clients';
import type { StackArtifact, TemplateResource } from './assembly';
import { evaluateCondition, references, ResolveContext } from './intrinsics';
import { str } from './props';
import type { Physical } from './types';

/** Reading one stack's template: parameters from SSM, dependency order, intrinsic resolution. */

function isSsmParameterType(type: string): boolean {
  return type.startsWith('AWS::SSM::Parameter::Value<');
}

/**
 * Values of the template's `AWS::SSM::Parameter::Value<…>` parameters, read from the emulator's SSM
 * as CloudFormation reads them at deploy time (the pipelines stacks get the storage key ARN this
 * way). Names nothing has published (CDK's bootstrap version, which no resource refers to) are
 * left out; a Ref to one of them fails in ctx.ref.
 */
export async function ssmParameterValues(template: StackArtifact['template'], c: RegionClients): Promise<Map<string, string>> {
  const wanted = Object.entries(template.Parameters ?? {}).filter(([, p]) => isSsmParameterType(p.Type) && typeof p.Default === 'string');
  const values = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 10) {
    const batch = wanted.slice(i, i + 10);
    const res = await c.ssm.send(new GetParametersCommand({ Names: batch.map(([, p]) => p.Default as string) }));
    const byName = new Map((res.Parameters ?? []).map((x) => [x.Name, x.Value]));
    for (const [id, p] of batch) {
      const v = byName.get(p.Default as string);
      if (v !== undefined) values.set(id, v);
    }
  }
  return values;
}

/** Logical ids of the functions named as ServiceToken by the template's custom resources. */
export function customResourceProviders(resources: Record<string, TemplateResource>): Set<string> {
  const ids = new Set<string>();
  for (const r of Object.values(resources)) {
    if (!r.Type.startsWith('Custom::') && r.Type !== 'AWS::CloudFormation::CustomResource') continue;
    references(r.Properties?.ServiceToken, ids);
  }
  return ids;
}

/** Orders a template's resources so that each follows everything it refers to. */
export function resourceOrder(resources: Record<string, TemplateResource>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`resource dependency cycle at ${id}`);
    state.set(id, 'visiting');
    const r = resources[id] as TemplateResource;
    const deps = references(r.Properties ?? {});
    for (const d of [r.DependsOn ?? []].flat()) deps.add(d);
    for (const d of deps) if (resources[d]) visit(d);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(resources)) visit(id);
  return order;
}

/**
 * How the stack's intrinsics resolve: Ref and Fn::GetAtt against what is provisioned so far,
 * parameters (SSM-typed ones from `ssmValues`), Fn::ImportValue against the region's exports, and
 * Conditions evaluated once each.
 */
export function resolveContext(stack: StackArtifact, physical: ReadonlyMap<string, Physical>, ssmValues: ReadonlyMap<string, string>, exportsHere: ReadonlyMap<string, string>): ResolveContext {
  const template = stack.template;
  const conditionCache = new Map<string, boolean>();
  const ctx: ResolveContext = {
    accountId: LOCAL_ACCOUNT_ID,
    region: stack.region,
    stackName: stack.name,
    ref: (id) => {
      const p = physical.get(id);
      if (p) return p.ref;
      const param = template.Parameters?.[id];
      if (param && isSsmParameterType(param.Type)) {
        const v = ssmValues.get(id);
        if (v === undefined) throw new Error(`${stack.name}: parameter ${id} reads SSM ${str(param.Default)}, which no stack provisioned before it publishes`);
        return v;
      }
      if (param) return str(param.Default) ?? '';
      throw new Error(`${stack.name}: Ref to ${id}, which is not provisioned (yet)`);
    },
    getAtt: (id, attr) => {
      const p = physical.get(id);
      if (!p) throw new Error(`${stack.name}: Fn::GetAtt ${id}.${attr}, but ${id} is not provisioned (yet)`);
      const v = p.attrs[attr];
      if (v === undefined) throw new Error(`${stack.name}: Fn::GetAtt ${id}.${attr} is not supported for ${p.type} locally`);
      return v;
    },
    importValue: (name) => {
      const v = exportsHere.get(name);
      if (v === undefined) throw new Error(`${stack.name}: Fn::ImportValue ${name}: no stack in ${stack.region} exports it`);
      return v;
    },
    condition: (name) => {
      let v = conditionCache.get(name);
      if (v === undefined) {
        const def = template.Conditions?.[name];
        if (def === undefined) throw new Error(`${stack.name}: unknown condition ${name}`);
        v = evaluateCondition(def, ctx);
        conditionCache.set(name, v);
      }
      return v;
    },
  };
  return ctx;
}
