/*
 * KICS findings of the cases, as KICS's SARIF gives them: the query id as rule id, the
 * query's category and CWE. Every facet is the pinned KICS's own, from its query's metadata.json;
 * test/unit/catalog/data/kics-queries.test.ts checks them against the assets.
 */

/** name, platform, query id, category, CWE: as in the query's metadata.json. */
export type KicsCase = [name: string, platform: string, id: string, category: string, cwe: string];

export const HOST_ISOLATION: KicsCase[] = [
  [
    'Workload Mounting With Sensitive OS Directory',
    'Kubernetes',
    '5308a7a8-06f8-45ac-bf10-791fe21de46e',
    'Insecure Configurations',
    'CWE-200',
  ],
  [
    'Non Kube System Pod With Host Mount',
    'Kubernetes',
    'aa8f7a35-9923-4cad-bd61-a19b7f6aac91',
    'Access Control',
    'CWE-668',
  ],
  [
    'Shared Host PID Namespace',
    'Kubernetes',
    '302736f4-b16c-41b8-befe-c0baffa0bd9d',
    'Insecure Configurations',
    'CWE-200',
  ],
  [
    'Shared Host IPC Namespace',
    'Kubernetes',
    'cd290efd-6c82-4e9d-a698-be12ae31d536',
    'Resource Management',
    'CWE-200',
  ],
  [
    'Shared Host IPC Namespace',
    'DockerCompose',
    'baa3890f-bed7-46f5-ab8f-1da8fc91c729',
    'Resource Management',
    'CWE-668',
  ],
];

export const PRIVILEGE: KicsCase[] = [
  [
    'Container Capabilities Unrestricted',
    'DockerCompose',
    'ce76b7d0-9e77-464d-b86f-c5c48e03e22d',
    'Resource Management',
    'CWE-400',
  ],
  [
    'Security Opt Not Set',
    'DockerCompose',
    '610e266e-6c12-4bca-9925-1ed0cd29742b',
    'Resource Management',
    'CWE-693',
  ],
  [
    'Container Running As Root',
    'Kubernetes',
    'cf34805e-3872-4c08-bf92-6ff7bb0cfadb',
    'Best Practices',
    'CWE-1188',
  ],
  [
    'Missing User Instruction',
    'Dockerfile',
    'fd54f200-402c-4333-a5a4-36ef6709af2f',
    'Build Process',
    'CWE-250',
  ],
  [
    'Container Is Privileged',
    'Kubernetes',
    'dd29336b-fe57-445b-a26e-e6aa867ae609',
    'Insecure Configurations',
    'CWE-269',
  ],
  [
    'No Drop Capabilities for Containers',
    'Kubernetes',
    '268ca686-7fb7-4ae9-b129-955a2a89064e',
    'Best Practices',
    'CWE-754',
  ],
];

export const NETWORK_POLICY: KicsCase[] = [
  [
    'Network Policy Disabled',
    'Terraform',
    '11e7550e-c4b6-472e-adff-c698f157cdd7',
    'Insecure Configurations',
    'CWE-1188',
  ],
  [
    'AKS Network Policy Misconfigured',
    'Terraform',
    'f5342045-b935-402d-adf1-8dbbd09c0eef',
    'Insecure Configurations',
    'CWE-285',
  ],
];

export const RDP_OPEN: KicsCase[] = [
  [
    'Remote Desktop Port Open To Internet',
    'Terraform',
    '151187cb-0efc-481c-babd-ad24e3c9bc22',
    'Networking and Firewall',
    'CWE-668',
  ],
  [
    'Remote Desktop Port Open To Internet',
    'CloudFormation',
    'c9846969-d066-431f-9b34-8c4abafe422a',
    'Networking and Firewall',
    'CWE-1188',
  ],
  [
    'Security Group Unrestricted Access To RDP',
    'CloudFormation',
    '3ae83918-7ec7-4cb8-80db-b91ef0f94002',
    'Networking and Firewall',
    'CWE-1188',
  ],
  [
    'RDP Access Is Not Restricted',
    'Terraform',
    '678fd659-96f2-454a-a2a0-c2571f83a4a3',
    'Networking and Firewall',
    'CWE-284',
  ],
];

export const VPC_FIREWALL: KicsCase[] = [
  [
    'VPC Without Network Firewall',
    'Terraform',
    'fd632aaf-b8a1-424d-a4d1-0de22fd3247a',
    'Networking and Firewall',
    'CWE-311',
  ],
  [
    'VPC Without Network Firewall',
    'CloudFormation',
    '3e293410-d5b8-411f-85fd-7d26294f20c9',
    'Networking and Firewall',
    'CWE-665',
  ],
];

export const HTTP2: KicsCase[] = [
  [
    'App Service HTTP2 Disabled',
    'Terraform',
    '525b53be-62ed-4244-b4df-41aecfcb4071',
    'Insecure Configurations',
    'CWE-311',
  ],
  [
    'Function App HTTP2 Disabled',
    'Terraform',
    'ace823d1-4432-4dee-945b-cdf11a5a6bd0',
    'Insecure Configurations',
    'CWE-319',
  ],
];

export const HYGIENE: KicsCase[] = [
  [
    'Name Is Not Snake Case',
    'Terraform',
    '1e434b25-8763-4b00-a5ca-ca03b7abbb66',
    'Best Practices',
    'CWE-710',
  ],
  [
    'Variable Without Description',
    'Terraform',
    '2a153952-2544-4687-bcc9-cc8fea814a9b',
    'Best Practices',
    'CWE-710',
  ],
  [
    'Security Group Rule Without Description',
    'CloudFormation',
    '5e6c9c68-8a82-408e-8749-ddad78cbb9c5',
    'Best Practices',
    'CWE-710',
  ],
];

/** Checks whose CWE the mapping still follows: transport and storage encryption. */
export const ENCRYPTION: [KicsCase, string[]][] = [
  [
    [
      'Web App Accepting Traffic Other Than HTTPS',
      'Terraform',
      '11e9a948-c6c3-4a0f-8dcf-b5cf1763cdbe',
      'Insecure Configurations',
      'CWE-319',
    ],
    ['CC6.7'],
  ],
  [
    [
      'Web App Accepting Traffic Other Than HTTPS',
      'Ansible',
      'eb8c2560-8bee-4248-9d0d-e80c8641dd91',
      'Insecure Configurations',
      'CWE-311',
    ],
    ['CC6.7'],
  ],
  [
    [
      'EBS Volume Encryption Disabled',
      'Terraform',
      'cc997676-481b-4e93-aa81-d19f8c5e9b12',
      'Encryption',
      'CWE-311',
    ],
    ['CC6.1', 'C1.1'],
  ],
];

/** Every case above, for checking against the assets. */
export const ALL_CASES: KicsCase[] = [
  ...HOST_ISOLATION,
  ...PRIVILEGE,
  ...NETWORK_POLICY,
  ...RDP_OPEN,
  ...VPC_FIREWALL,
  ...HTTP2,
  ...HYGIENE,
  ...ENCRYPTION.map(([c]) => c),
];
