import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KicsCloudProvider } from './config.ts';

/*
 * Which cloud providers' queries a KICS run needs, read from the files it is given. KICS already
 * loads only the platforms its analyzer finds (pkg/scan/utils.go sets the platform list to the
 * detected types), so a Terraform file loads Terraform queries only, but all of them: AWS, Azure,
 * GCP, Alibaba, NIFCLOUD and Tencent, some 1,100 to compile for one file. A provider's queries
 * look only at that provider's resources (`aws_…`, `AWS::…`, Ansible's `amazon.aws` modules), so
 * leaving out the providers the files never name changes no result, only the time.
 *
 * Detection over-approximates: a file that might be of a provider-bearing platform adds all that
 * platform's providers, and anything it cannot read for certain (a Terraform module, a resource
 * type of an unknown provider, JSON Terraform, flow-style YAML) makes it unsure, and an unsure run
 * loads every query. It never narrows on a guess.
 */

/** A file KICS is given: its absolute path and its text. */
export interface IacFile {
  path: string;
  text: string;
}

/** What the files say about the queries they need. */
export interface QueryNeeds {
  /** The providers whose queries may apply; `unsure` (with why) when that cannot be told. */
  providers: ReadonlySet<KicsCloudProvider> | { unsure: string };
  /** Some file is of a platform with provider-specific queries (Terraform, CloudFormation, …). */
  providerPlatform: boolean;
  /** Some file may be a Dockerfile, whose queries have no cloud provider (see query-args.ts). */
  dockerfile: boolean;
}

const ANSIBLE_CLOUDS: readonly KicsCloudProvider[] = ['aws', 'azure', 'gcp'];

/**
 * Terraform resource and data type prefixes (and provider names) by the KICS provider whose queries
 * read them. `azure_` is the legacy provider a KICS Azure query still reads (azure_virtual_network).
 */
const TERRAFORM_PREFIXES: Record<string, KicsCloudProvider> = {
  aws: 'aws',
  azurerm: 'azure',
  azuread: 'azure',
  azapi: 'azure',
  azure: 'azure',
  google: 'gcp',
  'google-beta': 'gcp',
  alicloud: 'alicloud',
  nifcloud: 'nifcloud',
  tencentcloud: 'tencentcloud',
};

/**
 * Providers no cloud-specific KICS query reads: their queries (Kubernetes, GitHub, Databricks) are
 * `common` and always load. Any other prefix is unknown, and unknown means unsure.
 */
const NEUTRAL_PREFIXES = new Set([
  'kubernetes',
  'github',
  'databricks',
  'helm',
  'random',
  'null',
  'local',
  'tls',
  'time',
  'template',
  'archive',
  'external',
  'http',
  'terraform',
  'cloudinit',
]);

/** A provider's name anywhere in a Terraform file: a reference such as `${aws_s3_bucket.b.id}`. */
const PROVIDER_TOKEN = /\b(aws|azurerm|azuread|azapi|azure|google|alicloud|nifcloud|tencentcloud)_\w/g;
const BLOCK = /^[ \t]*(resource|data|provider|module)[ \t]+"?([\w-]+)"?/gm;

/** The providers a Terraform (HCL) file uses, or why that cannot be told. */
export function terraformProviders(text: string): Set<KicsCloudProvider> | { unsure: string } {
  const found = new Set<KicsCloudProvider>();
  for (const [, kind, label = ''] of text.matchAll(BLOCK)) {
    // A module's resources live in its source, unseen here; KICS's AWS queries also read known modules.
    if (kind === 'module')
      return { unsure: `a Terraform module ("${label}") whose resources are not read here` };
    const prefix = kind === 'provider' ? label : (label.split('_')[0] ?? label);
    const provider = TERRAFORM_PREFIXES[prefix];
    if (provider) found.add(provider);
    else if (!NEUTRAL_PREFIXES.has(prefix))
      return { unsure: `a Terraform ${kind} "${label}" of an unknown provider` };
  }
  for (const [, prefix = ''] of text.matchAll(PROVIDER_TOKEN)) {
    const provider = TERRAFORM_PREFIXES[prefix];
    if (provider) found.add(provider);
  }
  return found;
}

/*
 * KICS's analyzer regexes (pkg/analyzer/analyzer.go, 2.2.0), for the platforms whose queries name a
 * provider. KICS gives a file the first type whose regexes all match; each is tested on its own
 * here, so a file counts for every type it might be.
 */
const CLOUDFORMATION = [/("Resources"|Resources)\s*:/];
const SERVERLESS = [/service\s*:/, /(^|\n)provider\s*:/];
const PULUMI = [/name\s*:/, /runtime\s*:/, /resources\s*:/];
const CROSSPLANE = [/"?apiVersion"?\s*:\s*(\w+\.)+crossplane\.io\/v\w+\s*/, /("kind"|kind)\s*:/];
const ARM = [/"contentVersion"\s*:/, /"resources"\s*:/];
const BLUEPRINT = [/("targetScope"|targetScope)\s*:/, /("properties"|properties)\s*:/];
/** The common part of KICS's three Azure Blueprint artifact types. */
const ARM_ARTIFACT = [/("kind"|kind)\s*:/, /("properties"|properties)\s*:/];
const TERRAFORM_PLAN = [/"configuration"\s*:/, /"planned_values"\s*:/, /"resource_changes"\s*:/];
const CDK_TERRAFORM = [/"metadata"\s*:/, /"stackName"\s*:/, /"terraform"\s*:/];
/** Google Deployment Manager: a top-level `resources` key (KICS reads it from the parsed YAML). */
const GDM_TOP_LEVEL = /^"?resources"?\s*:/m;
/** Ansible: an inventory's `all` or `ungrouped` group (a list of plays is told by its first line). */
const ANSIBLE_INVENTORY = /^"?(all|ungrouped)"?\s*:/m;
const ANSIBLE_VARS_PATH = /(^|[\\/])(group|host)_vars[\\/]/;

/** The first meaningful line of each YAML document: a top-level list or flow mapping shows there. */
function documentStarts(text: string): string[] {
  const starts: string[] = [];
  let looking = true;
  for (const line of text.split(/\r?\n/)) {
    if (/^---/.test(line)) {
      looking = true;
      const rest = line.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        starts.push(rest);
        looking = false;
      }
    } else if (looking && line.trim() !== '' && !line.trim().startsWith('#') && !line.startsWith('%')) {
      starts.push(line.trimStart());
      looking = false;
    }
  }
  return starts;
}

const matchesAll = (text: string, regexes: readonly RegExp[]) => regexes.every((regex) => regex.test(text));

/**
 * The providers a YAML or JSON file may need: those of every provider-bearing KICS platform it
 * might be, an empty set for one that can only be Kubernetes, Compose, OpenAPI, CI or nothing.
 */
export function structuredProviders(file: string, text: string): Set<KicsCloudProvider> | { unsure: string } {
  const found = new Set<KicsCloudProvider>();
  const add = (providers: readonly KicsCloudProvider[]) => {
    for (const provider of providers) found.add(provider);
  };
  if (matchesAll(text, TERRAFORM_PLAN) || matchesAll(text, CDK_TERRAFORM)) {
    return { unsure: 'Terraform in JSON (a plan or CDK for Terraform output)' };
  }
  // Serverless Framework files also load CloudFormation's queries (multiPlatformTypeCheck).
  if (matchesAll(text, CLOUDFORMATION) || matchesAll(text, SERVERLESS)) add(['aws']);
  if (matchesAll(text, PULUMI) || matchesAll(text, CROSSPLANE)) add(ANSIBLE_CLOUDS);
  if (matchesAll(text, ARM) || matchesAll(text, BLUEPRINT) || matchesAll(text, ARM_ARTIFACT)) add(['azure']);
  if (/\.ya?ml$/i.test(file)) {
    // KICS decides these two from the parsed document, which a line test cannot see in flow style.
    const firsts = documentStarts(text);
    if (firsts.some((line) => line.startsWith('{') || line.startsWith('[')))
      return { unsure: 'flow-style YAML' };
    if (text.includes('$ANSIBLE_VAULT')) return { unsure: 'an Ansible Vault file' };
    if (GDM_TOP_LEVEL.test(text)) add(['gcp']);
    const plays = firsts.some((line) => /^-(\s|$)/.test(line));
    if (plays || ANSIBLE_INVENTORY.test(text) || ANSIBLE_VARS_PATH.test(file)) add(ANSIBLE_CLOUDS);
  }
  return found;
}

/** Whether KICS reads `file` as a Dockerfile by its name, or may sniff it for one (no extension). */
function namedDockerfile(base: string): boolean {
  return (
    /dockerfile|containerfile/i.test(base) || path.extname(base) === '' || /\.(debian|ubi8)$/i.test(base)
  );
}

/**
 * Whether KICS may read `file` as a Dockerfile: by name, a file without extension it sniffs, or any
 * file it sniffs in a folder named docker, dockerfile or dockerfiles (isDockerfileExtension in
 * pkg/utils/get_extension.go), whatever its extension.
 */
export function mayBeDockerfile(file: string): boolean {
  const folder = path.basename(path.dirname(file)).toLowerCase();
  return namedDockerfile(path.basename(file)) || ['docker', 'dockerfile', 'dockerfiles'].includes(folder);
}

/** What `files` need of KICS's queries (see the comment at the top). */
export function queryNeeds(files: readonly IacFile[]): QueryNeeds {
  const providers = new Set<KicsCloudProvider>();
  let unsure: string | undefined;
  let providerPlatform = false;
  let dockerfile = false;
  for (const { path: file, text } of files) {
    const ext = path.extname(file).toLowerCase();
    let found: Set<KicsCloudProvider> | { unsure: string };
    if (mayBeDockerfile(file)) dockerfile = true;
    // A file sniffed in a docker folder may still be what its extension says: it is read below too.
    if (namedDockerfile(path.basename(file))) {
      continue;
    } else if (ext === '.tf' || ext === '.tfvars' || ext === '.hcl') {
      providerPlatform = true;
      found = terraformProviders(text);
    } else if (ext === '.bicep') {
      providerPlatform = true;
      found = new Set(['azure']);
    } else if (ext === '.proto') {
      continue;
    } else if (ext === '.yaml' || ext === '.yml' || ext === '.json') {
      found = structuredProviders(file, text);
      if (!(found instanceof Set) || found.size > 0) providerPlatform = true;
    } else {
      found = { unsure: 'a file of a kind not told here' };
    }
    if (!(found instanceof Set)) {
      unsure ??= `${file}: ${found.unsure}`;
      continue;
    }
    for (const provider of found) providers.add(provider);
  }
  return {
    providers: unsure === undefined ? providers : { unsure },
    providerPlatform: providerPlatform || unsure !== undefined,
    dockerfile,
  };
}

/** What the files at these absolute paths need; one that cannot be read makes the run unsure. */
export function readQueryNeeds(files: readonly string[]): QueryNeeds {
  const read: IacFile[] = [];
  for (const file of files) {
    try {
      read.push({ path: file, text: mayBeDockerfile(file) ? '' : readFileSync(file, 'utf8') });
    } catch (error) {
      return {
        providers: { unsure: `${file} could not be read: ${String(error)}` },
        providerPlatform: true,
        dockerfile: true,
      };
    }
  }
  return queryNeeds(read);
}
