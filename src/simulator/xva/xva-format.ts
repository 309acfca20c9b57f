import { createHash } from 'node:crypto';
import { constants as zlib, gunzipSync, gzipSync } from 'node:zlib';
import { compress as zstdCompress, decompress as zstdDecompress, init as zstdInit } from '@bokuweb/zstd-wasm';
import { extract, pack } from 'tar-stream';
import { fromXmlRpc, toXmlRpc, XmlRpcValue } from 'src/simulator/xva/xmlrpc';

export type XvaCompression = 'none' | 'gzip' | 'zstd';

const CHUNK = 1024 * 1024;
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const DISK_MAGIC = 'SHAKEDOWN-SIM-DISK1\n';

let zstdReady: Promise<void> | null = null;
function ensureZstd(): Promise<void> {
  zstdReady ??= zstdInit();
  return zstdReady;
}

interface XvaDisk {
  ref: string;
  /** the first chunk: a small header holding the guest's files, then filler, padded to 1 MiB */
  files: Record<string, string>;
  seed: string;
}

interface XvaContent {
  header: XmlRpcValue;
  disks: XvaDisk[];
}

/**
 * A simulated disk's chunk files: a header holding the guest's files, then pseudo-random filler and
 * zeros, cut in 1 MiB chunks like xapi's. The header may span several chunks when the guest wrote
 * more than a chunk's worth.
 */
function diskChunks(disk: XvaDisk): Buffer[] {
  const body = Buffer.from(`${DISK_MAGIC}${JSON.stringify(disk.files)}\n`);
  const data = Buffer.alloc(Math.max(1, Math.ceil(body.length / CHUNK)) * CHUNK);
  body.copy(data, 0);
  let offset = body.length;
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

function readDiskData(data: Buffer): Record<string, string> {
  if (data.subarray(0, DISK_MAGIC.length).toString('latin1') !== DISK_MAGIC) return {};
  // JSON escapes newlines, so the first one after the magic ends the header.
  const end = data.indexOf(0x0a, DISK_MAGIC.length);
  if (end < 0) throw new XvaReadError('IMPORT_ERROR_PREMATURE_EOF', ['disk header has no end']);
  return JSON.parse(data.subarray(DISK_MAGIC.length, end).toString('utf8')) as Record<string, string>;
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
  for (const e of entries) {
    const m = /^(Ref:\d+)\/(\d{8})$/.exec(e.name);
    if (!m?.[1] || !m[2]) continue;
    const sum = entries.find((x) => x.name === `${e.name}.checksum`);
    if (sum && sum.data.toString() !== createHash('sha1').update(e.data).digest('hex')) {
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
