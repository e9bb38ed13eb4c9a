import path from 'node:path';

/*
 * The paths Gitleaks' own default rules pass over whatever they hold (its global allow-list of
 * 8.30.1, config/gitleaks.toml `[allowlist] paths`): images and fonts, office files and binaries,
 * lockfiles, vendored and installed dependencies, build wrappers. Gitleaks given such a file reads
 * nothing of it and says nothing, so it is not given one: the coverage ledger then says Gitleaks
 * passes over it, instead of counting it as judged. Written here as the same sets of paths, in
 * JavaScript's syntax; a Gitleaks upgrade is checked against its list (docs/supply-chain.md).
 */
const PASSED_OVER: readonly { what: string; test: RegExp }[] = [
  {
    what: 'an image, a font or a binary document',
    test: /\.(?:bmp|gif|jpe?g|png|svg|tiff?|eot|[ot]tf|woff2?|docx?|xlsx?|pdf|bin|socket|vsidx|v2|suo|wsuo|.dll|pdb|exe|gltf|gem)$/i,
  },
  { what: "Gitleaks' own configuration", test: /gitleaks\.toml/ },
  {
    what: 'a lockfile or generated manifest',
    test: /(?:^|\/)(?:gradle\.lockfile|deno\.lock|npm-shrinkwrap\.json|package-lock\.json|pnpm-lock\.yaml|yarn\.lock|Pipfile\.lock|poetry\.lock|javascript\.json)$|go\.(?:mod|sum|work(?:\.sum)?)$|verification-metadata\.xml|Database.refactorlog/,
  },
  {
    what: 'a build tool wrapper',
    test: /(?:^|\/)(?:gradlew(?:\.bat)?|mvnw(?:\.cmd)?|\.mvn\/wrapper\/MavenWrapperDownloader\.java)$/,
  },
  {
    what: 'vendored or installed dependencies',
    test: /(?:^|\/)(?:node_modules|bower_components|vendor\/(?:bundle|ruby|github\.com|golang\.org\/x|google\.golang\.org|gopkg\.in|istio\.io|k8s\.io|sigs\.k8s\.io))(?:\/|$)|(?:^|\/)vendor\/modules\.txt$/,
  },
  {
    what: 'a Python environment or installed package',
    test: /(?:^|\/)(?:(?:v?env|virtualenv)\/lib(?:64)?|lib(?:64)?\/python[23](?:\.\d{1,2})+|python\/[23](?:\.\d{1,2})+\/lib(?:64)?)(?:\/|$)|(?:^|\/)[a-z0-9_.]+-[0-9.]+\.dist-info(?:\/|$)/i,
  },
  {
    what: 'a bundled JavaScript library',
    test: /(?:^|\/)(?:angular|bootstrap|jquery(?:-?ui)?|plotly|swagger-?ui)[a-zA-Z0-9.-]*(?:\.min)?\.js(?:\.map)?$/,
  },
];

/**
 * Why Gitleaks' default rules pass over the file at `rel` (repository-relative, POSIX), or undefined
 * when they read it.
 */
export function passedOver(rel: string): string | undefined {
  const hit = PASSED_OVER.find((entry) => entry.test.test(rel));
  return hit ? `Gitleaks' default rules pass over ${hit.what}, whatever it holds` : undefined;
}

/** `passedOver` for an absolute file under `root`. */
export function passedOverFile(file: string, root: string): string | undefined {
  return passedOver(path.relative(root, file).split(path.sep).join('/'));
}
