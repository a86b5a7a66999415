/**
 * The value, or an error naming what was missing. Tests read arrays and maps through this (with
 * noUncheckedIndexedAccess an index may be undefined): a missing element fails the test with its name.
 */
export function must<T>(value: T | undefined, what = 'a value'): T {
  if (value === undefined) throw new Error(`expected ${what}, found nothing`);
  return value;
}
