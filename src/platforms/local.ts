import type { ChangeContext } from '../change-context.ts';
import type { Platform } from './types.ts';

/** Outside CI there is nowhere to post: the terminal report and the exit code are the whole output. */
export function localPlatform(context: ChangeContext) {
  return {
    id: 'local',
    context,
    limits: { commentChars: Number.POSITIVE_INFINITY },
    commentName: 'comment',
    blobBase: context.repoUrl,
    evidenceHint: (name: string) => `the evidence bundle (${name})`,
    describeFailure: (error: unknown) => (error instanceof Error ? error.message : String(error)),
  } satisfies Platform;
}
