/** Fen as a decimal string → "1,234.56" yuan: exact, bigint arithmetic only. */
export function yuanOf(fen: string): string {
  const v = BigInt(fen);
  const a = v < 0n ? -v : v;
  return `${v < 0n ? "-" : ""}${(a / 100n).toLocaleString("en-US")}.${String(a % 100n).padStart(2, "0")}`;
}
