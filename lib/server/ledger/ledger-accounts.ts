import { env } from "../../env.js";

/** The account a province's bureau pays fees from: "bureau:52" for Guizhou. */
export function bureauAccount(province: string): string {
  return `${env.LEDGER_BUREAU_PREFIX}${province}`;
}

/** The province (two-digit GB/T 2260 prefix) of a region code. */
export function provinceOf(regionCode: string): string {
  return regionCode.slice(0, 2);
}

export const TKY = 10n ** 8n;
