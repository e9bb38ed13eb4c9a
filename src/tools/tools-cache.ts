/**
 * Keeping installed scanners in a CI cache between runs (the GitHub Action's Actions cache), as an
 * effect passed in: the CLI and GitLab pass none and install as before.
 *
 * What a restore is trusted with: nothing. A restored folder is only a head start for the installer,
 * which re-checks every file against the install record and the record's pins against the pins of
 * this controlgate (`stampProblem`) before it reuses anything, exactly as it does on a folder left
 * by an earlier run; anything that does not match is reinstalled, and the log says which file. That
 * catches a corrupt or truncated archive, an entry made from other pins, and files changed without
 * their record. It cannot catch an entry forged whole, files and record rewritten together: the
 * record travels in the same archive, so it vouches for the files only as far as whoever wrote the
 * entry is trusted. GitHub lets a run read entries of its own ref, of the default branch and, on a
 * pull request, of its base branch; a pull request's own entries are readable by that pull request
 * only. So the writers to trust are every workflow that runs on the default (or base) branch with
 * the cache token, including `pull_request_target` and `workflow_run` jobs and any step before this
 * one in them: code of a change run there can plant an entry under this key (or evict the real
 * one first). Nor can the check undo what extracting the archive wrote before it: @actions/cache
 * extracts with `tar -P`, so a forged archive may hold paths outside the tools folder. The Action
 * saves right after its own verified install, before it scans anything. Where the default branch's
 * workflows run untrusted code, switch the cache off (`cache-scanners: false`) and pay the install.
 */
/** Saves and restores one folder of the tools folder under a key; service failures are not errors. */
export interface ToolsCache {
  /** The runner image the entries are for (GitHub's ImageOS), when the platform knows it: a key part. */
  readonly image?: string | undefined;
  /**
   * Restores what was saved under `key` for `folder` (absolute, absent when called): true on a hit.
   * A service that fails or times out is reported as a warning by the implementation and is a miss.
   */
  restore(key: string, folder: string): Promise<boolean>;
  /** Saves `folder` under `key`: true when the service stored it, false (with a warning) otherwise. */
  save(key: string, folder: string): Promise<boolean>;
}
