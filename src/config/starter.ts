/** The commented `.controlgate.yml` that `controlgate init` writes; a test keeps it valid. */
export const STARTER_CONFIG = `# controlgate configuration: https://github.com/controlgate/controlgate#configuration-controlgateyml
# yaml-language-server: $schema=https://raw.githubusercontent.com/controlgate/controlgate/main/schema/controlgate.schema.json
version: 1

# Trust Services categories in scope besides Security (always in scope):
# availability, confidentiality, processing-integrity, privacy.
scope: []

# Which SOC 2 criteria block the merge, and from which severity up.
policy:
  mode: block              # block | warn: what a failing criterion does by default
  severity: high           # critical | high | medium | low | info: the lowest severity that fails
  unevaluated: block       # block | allow: what a failed or missing scanner means for what it covers
  inSourceSuppressions: honour   # honour | refuse (nosec/nosemgrep/kics-scan stop counting only when honoured)
  newSuppressions: refuse        # honour | refuse: a suppression the change itself adds cannot unblock it (use a waiver)
  # Per group or criterion, e.g.:
  # CC7: { mode: warn }
  # CC6.1: { severity: medium }

# On a pull/merge request (or with \`controlgate scan --base <ref>\`), findings are compared with the
# change's merge base: new ones can block, existing ones are reported as debt, removed ones as fixed.
changes:
  mode: diff               # diff | full: full judges every finding, as a push to the default branch does
  alwaysScan: []           # globs scanned on every change even when untouched, e.g. ["**/requirements*.txt"]

# Scanners and their options.
scanners:
  semgrep:
    configs: [builtin]     # add registry packs such as p/python where CI has internet
  bandit: {}
  kics: {}
  # custom:
  #   - id: my-tool
  #     command: my-tool
  #     args: [--sarif-output, "{sarif}", "{target}"]
  #     covers: [CC7.1]

# Changes to the shipped finding -> criterion mapping, applied in order:
mapping: []
#  - match: { tool: bandit, rule: B311 }
#    advisory: true
#    reason: random is only used for jitter in this codebase

# Paths never scanned (globs relative to the repository root).
exclude: []

# Folder names never entered, anywhere in the tree: third-party packages and caches. These are the
# defaults; remove one to scan it. A module in one of them that the project imports by a path naming
# the folder is scanned anyway, and the coverage ledger says so. .git is always skipped.
excludeFolders: [node_modules, .venv, venv, __pycache__, .tox, .terraform, .tools]

# Time-limited, approved exceptions live in their own file:
# waivers: .controlgate-waivers.yml
`;
