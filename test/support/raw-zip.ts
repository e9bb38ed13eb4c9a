import { constants, deflateRawSync } from 'node:zlib';

/*
 * Hostile zip archives, written byte by byte: entries whose declared sizes lie, names that escape,
 * links, thousands of entries, and deflate streams of gigabytes of zeros that are built from a
 * repeated chunk without ever holding the zeros. CRCs are left 0: controlgate checks content by the
 * manifest's SHA-256, not by CRC.
 */

export interface RawZipEntry {
  name: string;
  /** The entry's data as the archive stores it: deflated when `method` is 8. */
  data: Uint8Array;
  method: 0 | 8;
  /** The inflated size the archive declares (the truth, or not). */
  size: number;
  /** A Unix mode for the central directory (e.g. 0o120777, a symbolic link). */
  unixMode?: number;
}

const MiB = 1024 * 1024;

/** A stored entry, sizes true. */
export function storedEntry(name: string, content: string | Uint8Array): RawZipEntry {
  const data = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { name, data, method: 0, size: data.length };
}

/** A deflated entry, sizes true. */
export function deflatedEntry(name: string, content: string | Uint8Array): RawZipEntry {
  const data = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { name, data: deflateRawSync(data, { level: 9 }), method: 8, size: data.length };
}

/**
 * A raw deflate stream of `bytes` zeros (a whole number of MiB), about 1 KiB per MiB: one MiB
 * compressed with a full flush (byte-aligned, no reference to what came before) repeated, then an
 * empty final block.
 */
export function deflatedZeros(bytes: number): Uint8Array {
  if (bytes % MiB !== 0) throw new Error('deflatedZeros: a whole number of MiB');
  const chunk = deflateRawSync(new Uint8Array(MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const end = deflateRawSync(new Uint8Array(0));
  const count = bytes / MiB;
  const out = new Uint8Array(chunk.length * count + end.length);
  for (let i = 0; i < count; i++) out.set(chunk, i * chunk.length);
  out.set(end, chunk.length * count);
  return out;
}

/** A zip of `entries` in order, with a central directory that says what each entry claims. */
export function rawZip(entries: readonly RawZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const local = Buffer.alloc(30 + name.length);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.set(name, 30);
    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(entry.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.unixMode ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    central.set(name, 46);
    locals.push(local, Buffer.from(entry.data));
    centrals.push(central);
    offset += local.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}
