/** Run numbers are PostgreSQL integers: anything else names no run (and must not reach SQL). */
const MAX_RUN_NUMBER = 2 ** 31 - 1;

export function isRunNumber(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_RUN_NUMBER;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}
