/** Types for containers.mjs (container writers shared by the builds benchmark and the tests). */
export interface ContainerEntry {
  name: string;
  data: Uint8Array;
  /** zip only: deflate this entry */
  deflate?: boolean;
}
export function crc32(buf: Uint8Array): number;
export function makeTar(entries: ContainerEntry[]): Buffer;
export function makeZip(entries: ContainerEntry[]): Buffer;
export function makePck(entries: ContainerEntry[]): Buffer;
