// Money is fen (1/100 yuan) as a decimal string or a bigint, never a float: these write it as yuan
// exactly, however large. The one implementation for the pages, the CSV files and the notices.

/** "1234567" → "1,234,567" (a sign in front is left as it is). */
export const groupThousands = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** Fen → yuan as a plain decimal string: "123456" → "1234.56" (no grouping: a spreadsheet reads it as a number). */
export function yuanPlain(fen: string | bigint): string {
  const v = BigInt(fen);
  const abs = v < 0n ? -v : v;
  return `${v < 0n ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** Fen → "1,234.56" (grouped, no unit); "-1,234.56" below zero. */
export function yuanGrouped(fen: string | bigint): string {
  const [int, frac] = yuanPlain(fen).split(".") as [string, string];
  return int.startsWith("-") ? `-${groupThousands(int.slice(1))}.${frac}` : `${groupThousands(int)}.${frac}`;
}

/** Fen → "¥1,234.56"; "-¥1,234.56" below zero. */
export function yuan(fen: string | bigint): string {
  const s = yuanGrouped(fen);
  return s.startsWith("-") ? `-¥${s.slice(1)}` : `¥${s}`;
}
