import { describe, expect, it } from 'vitest';
import {
  mayBeDockerfile,
  queryNeeds,
  structuredProviders,
  terraformProviders,
} from '../../../../scanners/kics/query-selection.ts';

const providers = (result: ReturnType<typeof terraformProviders>) =>
  result instanceof Set ? [...result].sort() : result;

describe('terraformProviders', () => {
  it('reads providers from resource and data types', () => {
    const text = [
      'resource "aws_s3_bucket" "b" {}',
      'data "azurerm_client_config" "c" {}',
      'resource "google_storage_bucket" "g" {}',
      'resource "alicloud_oss_bucket" "a" {}',
      'resource "nifcloud_instance" "n" {}',
      'resource "tencentcloud_instance" "t" {}',
    ].join('\n');
    expect(providers(terraformProviders(text))).toEqual([
      'alicloud',
      'aws',
      'azure',
      'gcp',
      'nifcloud',
      'tencentcloud',
    ]);
  });

  it('reads provider blocks, also google-beta and the legacy azure_ types a KICS Azure query reads', () => {
    expect(providers(terraformProviders('provider "aws" {\n  region = "x"\n}\n'))).toEqual(['aws']);
    expect(providers(terraformProviders('provider "google-beta" {}\n'))).toEqual(['gcp']);
    expect(providers(terraformProviders('resource "azure_virtual_network" "v" {}\n'))).toEqual(['azure']);
    expect(providers(terraformProviders('resource "azuread_user" "u" {}\n'))).toEqual(['azure']);
  });

  it('counts a provider named only in a reference inside a neutral resource', () => {
    const text = 'resource "kubernetes_secret" "s" {\n  data = { arn = aws_iam_role.r.arn }\n}\n';
    expect(providers(terraformProviders(text))).toEqual(['aws']);
  });

  it('needs no provider for variables, outputs, locals or neutral providers', () => {
    const text = [
      'variable "cidr" {\n  default = "0.0.0.0/0"\n}',
      'output "x" {\n  value = var.cidr\n}',
      'resource "kubernetes_pod" "p" {}',
      'resource "github_repository" "r" {}',
      'resource "random_id" "i" {}',
      'resource "null_resource" "n" {}',
      'data "http" "h" {}',
    ].join('\n');
    expect(providers(terraformProviders(text))).toEqual([]);
  });

  it('is unsure of a module: its resources are in its source, and KICS reads known module sources', () => {
    const text = 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n';
    expect(terraformProviders(text)).toEqual({ unsure: expect.stringContaining('module ("vpc")') });
  });

  it('is unsure of a resource of an unknown provider', () => {
    expect(terraformProviders('resource "oci_core_instance" "i" {}\n')).toEqual({
      unsure: expect.stringContaining('"oci_core_instance" of an unknown provider'),
    });
    expect(terraformProviders('provider "oci" {}\n')).toEqual({ unsure: expect.stringContaining('"oci"') });
  });
});

describe('structuredProviders', () => {
  it('reads nothing cloud-specific in Kubernetes, Compose, OpenAPI or a workflow', () => {
    const k8s =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      resources: {}\n';
    const compose = 'services:\n  web:\n    image: nginx\n';
    const openapi = 'openapi: 3.0.0\ninfo:\n  title: x\npaths: {}\n';
    const workflow = 'on: push\njobs:\n  a:\n    steps:\n      - run: echo\n';
    for (const text of [k8s, compose, openapi, workflow]) {
      expect(providers(structuredProviders('/r/x.yaml', text))).toEqual([]);
    }
  });

  it('reads CloudFormation and Serverless as AWS', () => {
    expect(
      providers(structuredProviders('/r/s.yaml', 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n')),
    ).toEqual(['aws']);
    expect(providers(structuredProviders('/r/s.json', '{"Resources": {}}'))).toEqual(['aws']);
    expect(
      providers(structuredProviders('/r/serverless.yml', 'service: s\nprovider:\n  name: aws\n')),
    ).toEqual(['aws']);
  });

  it('reads ARM templates and Blueprints as Azure', () => {
    const arm = '{"$schema": "x", "contentVersion": "1.0.0.0", "resources": []}';
    expect(providers(structuredProviders('/r/arm.json', arm))).toEqual(['azure']);
    const blueprint = '{"properties": {}, "targetScope": "subscription"}';
    expect(providers(structuredProviders('/r/bp.json', blueprint))).toEqual(['azure']);
  });

  it('reads a top-level resources key in YAML as Google Deployment Manager', () => {
    expect(
      providers(
        structuredProviders('/r/gdm.yaml', 'resources:\n  - name: vm\n    type: compute.v1.instance\n'),
      ),
    ).toEqual(['gcp']);
  });

  it('reads Ansible (plays, inventories, group_vars), Pulumi and Crossplane as all three clouds they cover', () => {
    const three = ['aws', 'azure', 'gcp'];
    expect(providers(structuredProviders('/r/site.yml', '- hosts: all\n  tasks: []\n'))).toEqual(three);
    expect(providers(structuredProviders('/r/site.yml', '---\n# play\n- hosts: all\n'))).toEqual(three);
    expect(providers(structuredProviders('/r/hosts.yml', 'all:\n  hosts:\n    a: {}\n'))).toEqual(three);
    expect(providers(structuredProviders('/r/group_vars/web.yml', 'port: 80\n'))).toEqual(three);
    expect(
      providers(structuredProviders('/r/Pulumi.yaml', 'name: p\nruntime: yaml\nresources: {}\n')),
    ).toEqual(three);
    const crossplane = 'apiVersion: database.aws.crossplane.io/v1beta1\nkind: RDSInstance\n';
    expect(providers(structuredProviders('/r/db.yaml', crossplane))).toEqual(three);
  });

  it('does not take a nested list in a later document for a play', () => {
    const role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nrules:\n- apiGroups: [""]\n';
    expect(providers(structuredProviders('/r/role.yaml', role))).toEqual([]);
  });

  it('is unsure of Terraform in JSON, flow-style YAML and Ansible Vault files', () => {
    const plan =
      '{"terraform_version": "1", "configuration": {}, "planned_values": {}, "resource_changes": []}';
    expect(structuredProviders('/r/plan.json', plan)).toEqual({
      unsure: expect.stringContaining('Terraform in JSON'),
    });
    const cdk = '{"//": {"metadata": {"stackName": "s"}}, "terraform": {}}';
    expect(structuredProviders('/r/cdk.tf.json', cdk)).toEqual({
      unsure: expect.stringContaining('Terraform in JSON'),
    });
    expect(structuredProviders('/r/x.yaml', '# c\n{resources: []}\n')).toEqual({ unsure: 'flow-style YAML' });
    expect(structuredProviders('/r/v.yml', '$ANSIBLE_VAULT;1.1;AES256\n6162\n')).toEqual({
      unsure: 'an Ansible Vault file',
    });
  });
});

describe('mayBeDockerfile', () => {
  it.each([
    '/r/Dockerfile',
    '/r/Dockerfile.prod',
    '/r/app.dockerfile',
    '/r/Containerfile',
    '/r/noext',
    // KICS sniffs any file in such a folder for Dockerfile content, whatever its extension.
    '/r/docker/base.yaml',
    '/r/Dockerfiles/app.json',
  ])('takes %s for one', (file) => {
    expect(mayBeDockerfile(file)).toBe(true);
  });

  it.each(['/r/main.tf', '/r/deploy.yaml', '/r/stack.json'])('does not take %s for one', (file) => {
    expect(mayBeDockerfile(file)).toBe(false);
  });
});

describe('queryNeeds', () => {
  it('unites the providers of all files and notes a Dockerfile', () => {
    const needs = queryNeeds([
      { path: '/r/main.tf', text: 'resource "aws_s3_bucket" "b" {}\n' },
      { path: '/r/stack.yaml', text: 'Resources: {}\n' },
      { path: '/r/arm.json', text: '{"contentVersion": "1", "resources": []}' },
      { path: '/r/Dockerfile', text: 'FROM x\n' },
      { path: '/r/k8s.yaml', text: 'apiVersion: v1\nkind: Pod\n' },
    ]);
    expect(needs).toEqual({ providers: new Set(['aws', 'azure']), providerPlatform: true, dockerfile: true });
  });

  it('has no provider platform for Kubernetes, Compose and a Dockerfile alone', () => {
    const needs = queryNeeds([
      { path: '/r/k8s.yaml', text: 'apiVersion: v1\nkind: Pod\n' },
      { path: '/r/compose.yaml', text: 'services:\n  a:\n    image: x\n' },
      { path: '/r/Dockerfile', text: '' },
    ]);
    expect(needs).toEqual({ providers: new Set(), providerPlatform: false, dockerfile: true });
  });

  it('has a provider platform and no provider for Terraform without a cloud resource', () => {
    const needs = queryNeeds([{ path: '/r/variables.tf', text: 'variable "x" {}\n' }]);
    expect(needs).toEqual({ providers: new Set(), providerPlatform: true, dockerfile: false });
  });

  it('reads a YAML file in a docker folder both as a possible Dockerfile and as what it holds', () => {
    const needs = queryNeeds([{ path: '/r/docker/stack.yaml', text: 'Resources: {}\n' }]);
    expect(needs).toEqual({ providers: new Set(['aws']), providerPlatform: true, dockerfile: true });
  });

  it('is unsure when one file is, naming it', () => {
    const needs = queryNeeds([
      { path: '/r/main.tf', text: 'resource "aws_s3_bucket" "b" {}\n' },
      { path: '/r/mod.tf', text: 'module "m" {\n  source = "./m"\n}\n' },
    ]);
    expect(needs.providers).toEqual({ unsure: expect.stringMatching(/^\/r\/mod\.tf: a Terraform module/) });
  });

  it('is unsure of a file of a kind it does not tell', () => {
    const needs = queryNeeds([{ path: '/r/build.sh', text: 'buildah from fedora\n' }]);
    expect(needs.providers).toEqual({ unsure: '/r/build.sh: a file of a kind not told here' });
  });
});
