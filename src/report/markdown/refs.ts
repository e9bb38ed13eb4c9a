/**
 * Reference-style links: a rule's documentation is linked from every row that names the rule, but
 * its address is written once, at the end of the body. Twenty rows of one KICS query would otherwise
 * repeat a 90-character URL twenty times in a comment that has to stay short.
 */
export class RefLinks {
  readonly #keys = new Map<string, string>();

  /** The label to write as `[text][label]`; `url` must already be safe (see safeUrl). */
  label(url: string): string {
    let key = this.#keys.get(url);
    if (key === undefined) {
      key = `r${this.#keys.size + 1}`;
      this.#keys.set(url, key);
    }
    return key;
  }

  /** The definitions, one a line, for the end of the body; nothing when no link was made. */
  definitions(): string[] {
    return [...this.#keys].map(([url, key]) => `[${key}]: ${url}`);
  }
}
