/**
 * Byte counts for people: "812 B", "8.04 KiB", "1.3 GiB" (binary units). `digits`: decimals below 10 and
 * from 10 up (default 2 and 1; the HTML timeline uses 1 and 0). Shared by the CLI, the TUI and persona text.
 */
export function formatBytes(n: number, digits: readonly [number, number] = [2, 1]): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? digits[0] : digits[1])} ${units[i]}`;
}

/**
 * A byte count a person typed: "500M", "2G", "1.5GiB", "4096" (binary units: K = KiB = 1024). Null when it is
 * not a finite, non-negative size.
 */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgtp])(?:i?b)?|b)?\s*$/i.exec(text);
  if (!m) return null;
  const scale = m[2] ? 1024 ** ('kmgtp'.indexOf(m[2].toLowerCase()) + 1) : 1;
  const n = Math.floor(Number(m[1]) * scale);
  return Number.isSafeInteger(n) ? n : null;
}
