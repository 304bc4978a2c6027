import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from './intrinsics';

/** One CloudFormation stack of a cloud assembly (cdk.out), in deployment order. */
export interface StackArtifact {
  readonly name: string;
  readonly region: string;
  readonly template: Template;
  /** Directory the template's asset paths (Metadata aws:asset:path) are relative to. */
  readonly assemblyDir: string;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: { [key: string]: Json };
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly Metadata?: { [key: string]: Json };
}

export interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value: Json; Export?: { Name: Json }; Condition?: string }>;
  readonly Conditions?: Record<string, Json>;
  readonly Parameters?: Record<string, { Type: string; Default?: Json }>;
}

interface Manifest {
  artifacts: Record<string, { type: string; environment?: string; dependencies?: string[]; properties?: { templateFile?: string } }>;
}

/** Reads manifest.json and returns the stacks so that every stack follows the stacks it depends on. */
export function readAssembly(dir: string): StackArtifact[] {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no cloud assembly at ${dir}: manifest.json is missing (synthesize first)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const names = new Set(stacks.map(([n]) => n));
  const ordered: StackArtifact[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string) => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`stack dependency cycle at ${name}`);
    visiting.add(name);
    const artifact = manifest.artifacts[name];
    if (!artifact) throw new Error(`manifest.json names unknown artifact ${name}`);
    for (const dep of artifact.dependencies ?? []) if (names.has(dep)) visit(dep);
    const region = /^aws:\/\/[^/]+\/(.+)$/.exec(artifact.environment ?? '')?.[1];
    if (!region || region === 'unknown-region') throw new Error(`stack ${name} has no region in its environment (${artifact.environment})`);
    const templateFile = artifact.properties?.templateFile ?? `${name}.template.json`;
    const template = JSON.parse(readFileSync(join(dir, templateFile), 'utf8')) as Template;
    ordered.push({ name, region, template, assemblyDir: dir });
    visiting.delete(name);
    done.add(name);
  };
  for (const [name] of stacks) visit(name);
  return ordered;
}
