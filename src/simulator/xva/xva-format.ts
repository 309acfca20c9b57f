import { createHash } from 'node:crypto';
import { constants as zlib, gunzipSync, gzipSync } from 'node:zlib';
import { compress as zstdCompress, decompress as zstdDecompress, init as zstdInit } from '@bokuweb/zstd-wasm';
import { extract, pack } from 'tar-stream';
import { fromXmlRpc, toXmlRpc, XmlRpcValue } from 'src/simulator/xva/xmlrpc';

export type XvaCompression = 'none' | 'gzip' | 'zstd';

const CHUNK = 1024 * 1024;
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const DISK_MAGIC = 'SHAKEDOWN-SIM-DISK2\n';

let zstdReady: Promise<void> | null = null;
function ensureZstd(): Promise<void> {
  zstdReady ??= zstdInit();
  return zstdReady;
}

interface XvaDisk {
  ref: string;
  /** the guest's files, written at the start of the disk (path → content) */
  files: Record<string, Buffer>;
  seed: string;
}

interface XvaContent {
  header: XmlRpcValue;
  disks: XvaDisk[];
}

/**
 * A simulated disk's chunk files: the guest's files (an index line of paths and sizes, then their
 * bytes as they are: a disk holds bytes, and a base64-in-JSON copy of a guest's 64 MiB of test data
 * cost every export and import seconds), then pseudo-random filler and zeros, cut in 1 MiB chunks
 * like xapi's.
 */
function diskChunks(disk: XvaDisk): Buffer[] {
  const entries = Object.entries(disk.files);
  const index = Buffer.from(`${DISK_MAGIC}${JSON.stringify(entries.map(([path, data]) => [path, data.length]))}\n`);
  const length = entries.reduce((n, [, data]) => n + data.length, index.length);
  const data = Buffer.alloc(Math.max(1, Math.ceil(length / CHUNK)) * CHUNK);
  let offset = index.copy(data, 0);
  for (const [, content] of entries) offset += content.copy(data, offset);
  let block = createHash('sha256').update(disk.seed).digest();
  // A quarter random, the rest zeros: compresses like a half-empty filesystem would.
  while (offset < CHUNK / 4) {
    block.copy(data, offset);
    offset += block.length;
    block = createHash('sha256').update(block).digest();
  }
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += CHUNK) chunks.push(data.subarray(at, at + CHUNK));
  return chunks;
}

function readDiskData(data: Buffer): Record<string, Buffer> {
  if (data.subarray(0, DISK_MAGIC.length).toString('latin1') !== DISK_MAGIC) return {};
  // JSON escapes newlines, so the first one after the magic ends the index.
  const end = data.indexOf(0x0a, DISK_MAGIC.length);
  if (end < 0) throw new XvaReadError('IMPORT_ERROR_PREMATURE_EOF', ['disk index has no end']);
  const index = JSON.parse(data.subarray(DISK_MAGIC.length, end).toString('utf8')) as Array<[string, number]>;
  const files: Record<string, Buffer> = {};
  let offset = end + 1;
  for (const [path, size] of index) {
    if (offset + size > data.length) throw new XvaReadError('IMPORT_ERROR_PREMATURE_EOF', [`${path} is cut short`]);
    // A copy: the file outlives the import's buffers, which would otherwise stay referenced whole.
    files[path] = Buffer.from(data.subarray(offset, offset + size));
    offset += size;
  }
  return files;
}

export async function writeXva(content: XvaContent, compression: XvaCompression): Promise<Buffer> {
  const tar = pack();
  const parts: Buffer[] = [];
  tar.on('data', (b: unknown) => void parts.push(b as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  const add = (name: string, data: Buffer): void =>
    void tar.entry({ name, size: data.length, mode: 0o644, mtime: new Date(0) }, data);
  add('ova.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${toXmlRpc(content.header)}`));
  for (const disk of content.disks) {
    for (const [i, chunk] of diskChunks(disk).entries()) {
      const name = `${disk.ref}/${String(i).padStart(8, '0')}`;
      add(name, chunk);
      add(`${name}.checksum`, Buffer.from(createHash('sha1').update(chunk).digest('hex')));
    }
  }
  tar.finalize();
  await done;
  const raw = Buffer.concat(parts);
  // The fastest settings that keep each format and still shrink the zero runs: a simulated guest's
  // data is random, so stronger settings cost seconds per export and save nothing.
  if (compression === 'gzip') return gzipSync(raw, { strategy: zlib.Z_RLE });
  if (compression === 'zstd') {
    await ensureZstd();
    return Buffer.from(zstdCompress(raw, 1));
  }
  return raw;
}

export class XvaReadError extends Error {
  constructor(
    readonly code:
      | 'IMPORT_ERROR_UNEXPECTED_FILE'
      | 'IMPORT_ERROR'
      | 'IMPORT_ERROR_SOME_CHECKSUMS_FAILED'
      | 'IMPORT_ERROR_PREMATURE_EOF',
    readonly params: string[],
  ) {
    super(code);
  }
}

/** Like xapi's import: a tar whose first entry is ova.xml is plain; zstd by magic; else gzip. */
export function detectCompression(head: Buffer): XvaCompression {
  if (head.length >= 512 && head.subarray(0, 7).toString('latin1') === 'ova.xml' && head[7] === 0) return 'none';
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return 'zstd';
  return 'gzip';
}

export async function readXva(file: Buffer): Promise<XvaContent & { compression: XvaCompression }> {
  const compression = detectCompression(file);
  let raw: Buffer;
  try {
    if (compression === 'zstd') {
      await ensureZstd();
      raw = Buffer.from(zstdDecompress(file));
    } else if (compression === 'gzip') {
      if (!file.subarray(0, 2).equals(GZIP_MAGIC)) throw new Error('not in gzip format');
      raw = gunzipSync(file);
    } else raw = file;
  } catch (err) {
    throw new XvaReadError('IMPORT_ERROR', [`${compression} decompression failed: ${(err as Error).message}`]);
  }
  const entries: Array<{ name: string; data: Buffer }> = [];
  await new Promise<void>((resolve, reject) => {
    const ex = extract();
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
      stream.on('end', () => {
        entries.push({ name: header.name, data: Buffer.concat(chunks) });
        next();
      });
      stream.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', (e: Error) => reject(new XvaReadError('IMPORT_ERROR_PREMATURE_EOF', [e.message])));
    ex.end(raw);
  });
  const first = entries[0];
  if (!first || first.name !== 'ova.xml') {
    throw new XvaReadError('IMPORT_ERROR_UNEXPECTED_FILE', ['ova.xml', first?.name ?? '']);
  }
  const header = fromXmlRpc(first.data.toString('utf8'));
  const chunksByRef = new Map<string, Array<{ index: number; data: Buffer }>>();
  const byName = new Map(entries.map((e) => [e.name, e.data]));
  for (const e of entries) {
    const m = /^(Ref:\d+)\/(\d{8})$/.exec(e.name);
    if (!m?.[1] || !m[2]) continue;
    const sum = byName.get(`${e.name}.checksum`);
    if (sum && sum.toString() !== createHash('sha1').update(e.data).digest('hex')) {
      throw new XvaReadError('IMPORT_ERROR_SOME_CHECKSUMS_FAILED', []);
    }
    const list = chunksByRef.get(m[1]) ?? [];
    list.push({ index: Number(m[2]), data: e.data });
    chunksByRef.set(m[1], list);
  }
  const disks: XvaDisk[] = [...chunksByRef].map(([ref, chunks]) => ({
    ref,
    files: readDiskData(Buffer.concat(chunks.sort((a, b) => a.index - b.index).map((c) => c.data))),
    seed: '',
  }));
  return { header, disks, compression };
}
