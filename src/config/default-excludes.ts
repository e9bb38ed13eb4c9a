/*
 * The folders the file walk does not enter unless the configuration says otherwise, each with why.
 * They are the `excludeFolders` default in .controlgate.yml, so a repository sees them, reviews them
 * and can change them there (in the base branch: a change cannot widen them for itself); the coverage
 * ledger names the folder and this reason for every file they keep out.
 */

/** A folder name the walk skips wherever it appears, and why. */
export interface FolderExclude {
  name: string;
  reason: string;
}

export const DEFAULT_EXCLUDED_FOLDERS: readonly FolderExclude[] = [
  {
    name: 'node_modules',
    reason: 'packages npm installs from package.json: third-party code, for a dependency scanner',
  },
  { name: '.venv', reason: 'a Python virtual environment: installed third-party packages' },
  { name: 'venv', reason: 'a Python virtual environment: installed third-party packages' },
  { name: '__pycache__', reason: "Python's bytecode cache, compiled from the .py files beside it" },
  { name: '.tox', reason: "tox's test environments: installed third-party packages" },
  {
    name: '.terraform',
    reason: "providers and modules `terraform init` downloads: not this repository's code",
  },
  { name: '.tools', reason: "controlgate's own scanners (the tools folder)" },
];

/** Never entered, whatever the configuration says: git's object store is not the project's files. */
export const ALWAYS_SKIPPED_FOLDER: FolderExclude = {
  name: '.git',
  reason: "git's own database, not the checked-out files",
};

/** Why the walk skipped a folder of this name: its default's reason, or the configuration's say-so. */
export function excludedFolderReason(name: string, configFile?: string): string {
  if (name === ALWAYS_SKIPPED_FOLDER.name) return ALWAYS_SKIPPED_FOLDER.reason;
  const known = DEFAULT_EXCLUDED_FOLDERS.find((f) => f.name === name);
  const listed = `listed in excludeFolders${configFile ? ` of ${configFile}` : ''}`;
  return known ? `${known.reason} (${listed})` : listed;
}
