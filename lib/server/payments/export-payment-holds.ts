import "server-only";
import { stringify } from "csv-stringify/sync";
import { createTranslator } from "use-intl/core";
import en from "../../../messages/en.json" with { type: "json" };
import zh from "../../../messages/zh-CN.json" with { type: "json" };
import { pgTx } from "../../db/pg-tx";
import { yuanPlain } from "../../domain/money";
import type { TLocale } from "../../i18n/locales";
import type { TActor } from "../actor";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import { regionNames } from "../regions/region-names";
import { scopePatterns } from "../regions/scope";
import { snapshotStream } from "../snapshot-stream";
import { holdTotals, STATEMENT_SQL, statementCount, type THoldTotals, type TStatementRow } from "./holds-sql";
import { toLine } from "./list-payment-holds";
import { assertPeriodBegun } from "./payment-period";

/** Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is kept as text with a leading apostrophe (OWASP CSV injection). */
export function csvText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export type TPaymentHoldsCsv = { fileName: string; stream: ReadableStream<Uint8Array>; rows: number; totals: THoldTotals };

const CSV = { record_delimiter: "windows" } as const;

/**
 * The payment holds of a period in the caller's regions as CSV (UTF-8 with a BOM, so Excel opens
 * the Chinese correctly): one line a hold in force or a lifted hold with arrears due, masked ID
 * numbers, and a closing total line that equals the page's and the API's totals. The audit event
 * (payment_holds.export, with the count and totals) commits first; the file then streams from one
 * read-only snapshot, so its lines and its total line agree, whatever its size.
 */
export async function exportPaymentHolds(actor: TActor, period: string, locale: TLocale, opts: { now?: Date; batch?: number } = {}): Promise<TPaymentHoldsCsv> {
  assertPeriodBegun(period, opts.now ?? new Date());
  const t = createTranslator({ locale, messages: locale === "en" ? en : zh, namespace: "payments" });
  const names = await regionNames(locale);
  const patterns = scopePatterns(actor.regions);
  const audited = await pgTx(async (client) => {
    await client.query("set transaction isolation level repeatable read, read write");
    const totals = await holdTotals(client, patterns, period);
    const count = await statementCount(client, patterns, period);
    await recordAuditBulk(client, actor, "payment_holds.export", "payment_holds", [
      {
        targetId: period,
        regionCode: actor.regions.length === 1 ? actor.regions[0]! : null,
        summary: { period, count, heldPensioners: totals.heldPensioners, heldFen: totals.heldFen, arrearsFen: totals.arrearsFen, regionCodes: actor.regions },
      },
    ]);
    return { totals, count };
  });
  const header = [
    t("csv.pensionerId"),
    t("csv.maskedId"),
    t("csv.name"),
    t("csv.regionCode"),
    t("csv.regionName"),
    t("csv.kind"),
    t("csv.cause"),
    t("csv.monthlyYuan"),
    t("csv.heldYuan"),
    t("csv.startPeriod"),
    t("csv.liftedPeriod"),
    t("csv.arrearsYuan"),
  ];
  const stream = await snapshotStream<THoldTotals, TStatementRow>(
    {
      // The total line is the snapshot's own, so it sums exactly the lines above it.
      open: (client) => holdTotals(client, patterns, period),
      sql: STATEMENT_SQL,
      params: [patterns, period],
      head: () => stringify([header], { ...CSV, bom: true }),
      encode: (rows) =>
        stringify(
          rows.map((r) => {
            const l = toLine(r, names);
            return [l.pensionerId, l.maskedId, csvText(l.name), l.regionCode, csvText(l.regionName), t(`kind.${l.kind}`), t(`cause.${l.cause}`), yuanPlain(l.monthlyFen), yuanPlain(l.heldFen), l.startPeriod, l.liftedPeriod ?? "", yuanPlain(l.arrearsDueFen)];
          }),
          CSV,
        ),
      tail: (totals) =>
        stringify([[t("csv.total"), "", t("csv.totalPensioners", { held: totals.heldPensioners, arrears: totals.arrearsPensioners }), "", "", "", "", "", yuanPlain(totals.heldFen), "", "", yuanPlain(totals.arrearsFen)]], CSV),
    },
    { batch: opts.batch, context: { export: "payment_holds", period, requestId: actor.requestId } },
  );
  return { fileName: `payment-holds-${period}.csv`, stream, rows: audited.count, totals: audited.totals };
}
