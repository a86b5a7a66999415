/** The codec byte in front of every stored record. */
export const CODEC_RAW = 0;
export const CODEC_ZSTD = 1;
