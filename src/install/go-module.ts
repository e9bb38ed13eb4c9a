import type { PinnedGoModule } from '../tools/versions.ts';
import { moduleTreeHash } from './go-module-hash.ts';

/** What `go mod download -json` reports about one module. */
export interface ModuleDownload {
  Dir?: string;
  Sum?: string;
  GoModSum?: string;
  Error?: string;
}

/** The go.sum lines a pin stands for, as install stamps record them. */
export function goSumLines(pin: PinnedGoModule): string {
  return `${pin.module} v${pin.version} ${pin.sum}\n${pin.module} v${pin.version}/go.mod ${pin.goModSum}`;
}

/**
 * The module folder, after checking that what Go downloaded is the pinned module: the hashes Go
 * reports (checked by Go against the checksum database) and the tree on disk the build reads.
 * `pinFile` names the pin in the error.
 */
export async function verifyModule(
  pin: PinnedGoModule,
  download: ModuleDownload,
  pinFile: string,
): Promise<string> {
  const ref = `${pin.module}@v${pin.version}`;
  if (!download.Dir) {
    throw new Error(
      `go mod download ${ref} did not report the module folder${download.Error ? `: ${download.Error}` : ''}`,
    );
  }
  const mismatch = (what: string, got: string | undefined, want: string) =>
    new Error(
      `${ref}: ${what} is ${got ?? 'missing'}, but ${pinFile} pins ${want}; refusing to build it ` +
        '(a changed module, or a pin that was edited without its go.sum line)',
    );
  if (download.Sum !== pin.sum) throw mismatch('the module hash Go reports', download.Sum, pin.sum);
  if (download.GoModSum !== pin.goModSum) throw mismatch('the go.mod hash', download.GoModSum, pin.goModSum);
  const tree = await moduleTreeHash(download.Dir, pin.module, `v${pin.version}`);
  if (tree !== pin.sum) throw mismatch(`the module tree in ${download.Dir}`, tree, pin.sum);
  return download.Dir;
}
