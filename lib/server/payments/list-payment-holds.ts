import "server-only";
import { z } from "zod";
import { pgTx } from "../../db/pg-tx";
import { maskNationalId } from "../../domain/national-id";
import type { TActor } from "../actor";
import { regionNames } from "../regions/region-names";
import { scopePatterns } from "../regions/scope";
import { holdTotals, statementRows, type THoldTotals, type TStatementRow } from "./holds-sql";
import { assertPeriodBegun, ZHoldsPeriod } from "./payment-period";

export const ZPaymentHoldsListQuery = z.object({
  period: ZHoldsPeriod,
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TPaymentHoldsListQuery = z.output<typeof ZPaymentHoldsListQuery>;

export type TPaymentHoldLine = Omit<TStatementRow, "idPrefix" | "idSuffix"> & { maskedId: string; regionName: string };
export type TPaymentHoldsList = { period: string; totals: THoldTotals; items: TPaymentHoldLine[]; total: number; page: number; pageSize: number };

export function toLine(r: TStatementRow, names: Map<string, string>): TPaymentHoldLine {
  const { idPrefix, idSuffix, ...rest } = r;
  return { ...rest, maskedId: maskNationalId(idPrefix, idSuffix), regionName: names.get(r.regionCode) ?? r.regionCode };
}

/**
 * The staff view of a period in the caller's regions: totals, and a page of the statement (holds
 * in force, and lifted holds with arrears due) with masked ID numbers, read in one snapshot so
 * the page and the totals agree. Reading masked data is not audited; the export is.
 */
export async function listPaymentHolds(actor: TActor, q: TPaymentHoldsListQuery, locale: string, now = new Date()): Promise<TPaymentHoldsList> {
  assertPeriodBegun(q.period, now);
  const patterns = scopePatterns(actor.regions);
  const names = await regionNames(locale);
  return pgTx(async (client) => {
    await client.query("set transaction isolation level repeatable read, read only");
    const totals = await holdTotals(client, patterns, q.period);
    const { rows, total } = await statementRows(client, patterns, q.period, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    return { period: q.period, totals, items: rows.map((r) => toLine(r, names)), total, page: q.page, pageSize: q.pageSize };
  });
}
