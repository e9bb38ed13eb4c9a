import { open } from 'node:fs/promises';

/*
 * JSON for evidence files of any size. Small documents are pretty-printed for people; past a
 * threshold one string of the whole document would be hundreds of megabytes (V8 refuses strings
 * over ~512 MiB), so large ones are written compact, in chunks, walking the document's spine and
 * stringifying each element of a long array on its own.
 */

/** Arrays longer than this are written element by element. */
const LONG_ARRAY = 256;
/** Chunks are gathered to about this many characters before they are handed on. */
const CHUNK_CHARS = 1 << 16;

function* walk(value: unknown): Generator<string> {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    const long = value.length > LONG_ARRAY;
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      const item: unknown = value[i];
      // As JSON.stringify does: undefined and functions inside arrays become null.
      if (item === undefined || typeof item === 'function') yield 'null';
      else if (long) yield JSON.stringify(item);
      else yield* walk(item);
    }
    yield ']';
    return;
  }
  if (value !== null && typeof value === 'object' && !('toJSON' in value)) {
    yield '{';
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function') continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* walk(item);
    }
    yield '}';
    return;
  }
  yield JSON.stringify(value) ?? 'null';
}

/** Compact JSON of `value` in chunks of about 64 KiB, ending with a newline; equal to JSON.stringify. */
export function* compactJsonChunks(value: unknown): Generator<string> {
  let buffer = '';
  for (const piece of walk(value)) {
    buffer += piece;
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}\n`;
}

/** Pretty JSON (two-space indent) as one chunk: for documents people open and read. */
export function* prettyJsonChunks(value: unknown): Generator<string> {
  yield `${JSON.stringify(value, null, 2)}\n`;
}

/** Above this many array elements in a document, files are written compact (see above). */
export const LARGE_DOCUMENT_ITEMS = 10_000;

/** Writes JSON to a file chunk by chunk: pretty when `pretty`, else compact. */
export async function writeJsonFile(file: string, value: unknown, pretty: boolean): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (const chunk of pretty ? prettyJsonChunks(value) : compactJsonChunks(value))
      await handle.write(chunk);
  } finally {
    await handle.close();
  }
}
