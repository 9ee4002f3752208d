/** Fen → "1,234.56" (yuan), exact: integer arithmetic only. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100).toLocaleString("en-US")}.${String(a % 100).padStart(2, "0")}`;
}
