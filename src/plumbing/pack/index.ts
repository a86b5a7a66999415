/** The pack module: how objects are stored on disk (see README.md). Import it through this file. */
export {
  CODEC_RAW,
  CODEC_ZSTD,
  LOOSE_HEADER,
  PACK_MAGIC,
  RECORD_HEADER,
  decodeLooseObject,
  encodeLooseObject,
  encodePayload,
  encodeRecordHeader,
  recordHeaderMismatch,
  type RawRecord,
} from './record.js';
export {
  IDX_DEFLATED,
  IDX_MAGIC,
  decodePackIndex,
  encodePackIndex,
  findInPackIndex,
  inflatePackIndex,
  packIndexEntry,
  PACK_INDEX_ENTRY,
  PACK_INDEX_START,
  readPackIndex,
  writePackIndex,
  type PackEntry,
  type RawPackIndex,
} from './packIndex.js';
export {
  decodePayload,
  readRecord,
  readVerifiedRecord,
  readVerifiedRecords,
  verifyRecord,
  type Decompressor,
  type PackSource,
} from './reader.js';
export { PackBuilder, PackWriter, type SealedPack } from './writer.js';
export { listPackDir, removePack, type PackDir } from './packDir.js';
export { scanPack, type ScannedPack } from './scan.js';
