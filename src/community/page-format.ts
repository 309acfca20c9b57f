/** A moment as the pages show it everywhere: `2025-03-01 14:02 UTC`. */
export function formatWhen(date: Date): string {
  return Number.isNaN(date.getTime()) ? '—' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
