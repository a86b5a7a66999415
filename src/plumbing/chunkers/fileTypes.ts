/** What we know of a file's format from its name and first bytes. */

const COMPRESSED_EXT = new Set([
  'png',
  'jpg',
  'jpeg',
  'webp',
  'gif',
  'avif',
  'heic',
  'jxl',
  'ktx2',
  'basis',
  'dds.zst',
  'ogg',
  'oga',
  'opus',
  'mp3',
  'm4a',
  'aac',
  'flac',
  'mp4',
  'm4v',
  'mov',
  'mkv',
  'webm',
  'avi',
  'zip',
  'gz',
  'tgz',
  'bz2',
  'xz',
  'zst',
  '7z',
  'rar',
  'lz4',
  'br',
  'apk',
  'ipa',
  'aab',
  'jar',
  'pk3',
  'pk4',
  'unitypackage',
  'docx',
  'xlsx',
  'pptx',
  'kra',
  'ora',
  'procreate',
  'woff',
  'woff2',
  'pdf',
]);

const MAGICS: ReadonlyArray<readonly number[]> = [
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x4f, 0x67, 0x67, 0x53], // OggS
  [0x50, 0x4b, 0x03, 0x04], // ZIP
  [0x1f, 0x8b], // gzip
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0xab, 0x4b, 0x54, 0x58, 0x20, 0x32, 0x30], // KTX 20
  [0x37, 0x7a, 0xbc, 0xaf], // 7z
  [0xfd, 0x37, 0x7a, 0x58, 0x5a], // xz
  [0x66, 0x4c, 0x61, 0x43], // fLaC
  [0x49, 0x44, 0x33], // ID3 (mp3)
];

export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1);
}

/** True when the file is already compressed, so zstd would only waste time. */
export function isCompressedMedia(path: string, head?: Uint8Array): boolean {
  if (COMPRESSED_EXT.has(extensionOf(path))) return true;
  if (!head) return false;
  for (const m of MAGICS) {
    if (head.length >= m.length && m.every((b, i) => head[i] === b)) return true;
  }
  // RIFF....WEBP
  if (
    head.length >= 12 &&
    head[0] === 0x52 &&
    head[1] === 0x49 &&
    head[2] === 0x46 &&
    head[3] === 0x46 &&
    head[8] === 0x57 &&
    head[9] === 0x45 &&
    head[10] === 0x42 &&
    head[11] === 0x50
  )
    return true;
  return false;
}

const ZIP_EXT = new Set(['zip', 'apk', 'ipa', 'aab', 'jar', 'pk3', 'pk4', 'obb', 'xapk']);

/** Containers whose entries the game asset chunker can cut apart. */
export function containerFormat(path: string, head?: Uint8Array): 'zip' | 'tar' | 'pck' | null {
  const ext = extensionOf(path);
  if (ext === 'tar') return 'tar';
  if (
    ext === 'pck' ||
    (head && head.length >= 4 && head[0] === 0x47 && head[1] === 0x44 && head[2] === 0x50 && head[3] === 0x43)
  )
    return 'pck';
  if (
    ZIP_EXT.has(ext) ||
    (head && head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
  )
    return 'zip';
  return null;
}
