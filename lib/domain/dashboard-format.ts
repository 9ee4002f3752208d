// Number formats shared by the dashboard's cards, tables and CSV files. Money arrives as decimal
// strings of fen or TKY base units (bigint-safe); the table shows them grouped with a unit, the CSV
// carries the same number plain (no unit, no grouping) so a spreadsheet reads it as a number.
import Papa from "papaparse";
import { formatTky } from "../bdmi/contract";
import { groupThousands } from "./money";

/** Fen → yuan: "1234.56" plain (CSV), "¥1,234.56" on screen (lib/domain/money.ts). */
export { yuan, yuanPlain } from "./money";

/** TKY base units (8 decimals) → plain decimal TKY: "150000000" → "1.5". */
export const tkyPlain = (base: string): string => formatTky(base);

/** TKY base units → "1,234.5 TKY". */
export function tky(base: string): string {
  const s = formatTky(base);
  return `${s.replace(/^(-?)(\d+)/, (_, sign: string, d: string) => sign + groupThousands(d))} TKY`;
}

export const count = (n: number): string => n.toLocaleString("en-US");

/** A share 0…1 → percent with one decimal (plain for CSV, "87.5%" on screen); null → empty / dash. */
export const pctPlain = (r: number | null): string => (r === null ? "" : (r * 100).toFixed(1));
export const pct = (r: number | null): string => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);

/** A ratio such as the return on fees: "12.34" plain, "×12.34" on screen. */
export const ratioPlain = (r: number | null): string => (r === null ? "" : r.toFixed(2));
export const ratio = (r: number | null): string => (r === null ? "—" : `×${r.toFixed(2)}`);

/** Fen or base-unit strings to a chart's number (charts only; tables keep the exact strings). */
export const fenToYuanNumber = (fen: string): number => Number(fen) / 100;
export const baseToTkyNumber = (base: string): number => Number(base) / 1e8;

/** The return of one month: savings ÷ fees valued at the configured price of 1 TKY in fen. */
export function monthReturn(savingsFen: string, feesBase: string, tkyPriceFen: string): number | null {
  const feesFen = (Number(feesBase) / 1e8) * Number(tkyPriceFen);
  return feesFen > 0 ? Number(savingsFen) / feesFen : null;
}

/**
 * A table as a CSV file's text: a UTF-8 byte-order mark (so Excel opens Chinese text correctly),
 * then RFC 4180 rows from Papa.unparse (fields with commas, quotes or line breaks quoted). Text
 * that starts like a spreadsheet formula (=, +, @, tab, CR, or "-" not followed by a plain number)
 * is prefixed with ' so a spreadsheet shows it instead of running it.
 */
export function tableCsv(header: string[], rows: (string | number)[][]): string {
  return `\uFEFF${Papa.unparse({ fields: header, data: rows }, { newline: "\r\n", escapeFormulae: /^(?:[=+@\t\r]|-(?!\d+(?:\.\d+)?$))/ })}`;
}
