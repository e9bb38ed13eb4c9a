/**
 * Keeping installed scanners in a CI cache between runs (the GitHub Action's Actions cache), as an
 * effect passed in: the CLI and GitLab pass none and install as before.
 *
 * What a restore is trusted with: nothing. A restored folder is only a head start for the installer,
 * which re-checks every file against the install record and the record's pins against the pins of
 * this controlgate (`stampProblem`) before it reuses anything, exactly as it does on a folder left
 * by an earlier run; anything that does not match is reinstalled. That catches a corrupt or
 * truncated archive, an entry made from other pins, and files changed without their record. It does
 * not catch an entry forged whole, files and record rewritten together, by someone who can write to
 * a cache scope this run reads (its own ref's, and the default branch's): the record travels in the
 * same archive as the files, so it vouches for them only as far as the entry's writer is trusted.
 * Nor can it undo what extracting the archive wrote before the check: @actions/cache extracts with
 * `tar -P`, so a forged archive may hold paths outside the tools folder. Where that matters, switch
 * the cache off (`cache-scanners: false`) and pay the install.
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
