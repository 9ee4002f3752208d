"use client";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { tableCsv } from "@/lib/domain/dashboard-format";

export type TColumn<R> = {
  key: string;
  label: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /** The first column names the row (th scope="row"). */
  rowHeader?: boolean;
  /** The value in the CSV: the same number as the cell, without unit or grouping. */
  csv: (row: R) => string | number;
  /** The cell on screen; defaults to the CSV value. */
  cell?: (row: R) => ReactNode;
};

/** Saves text as a UTF-8 CSV file. */
function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The accessible path to a chart's numbers: a captioned table, and its rows exported as CSV. */
export function DataTable<R>({ id, caption, columns, rows, rowKey, fileName }: { id: string; caption: string; columns: TColumn<R>[]; rows: R[]; rowKey: (row: R) => string; fileName: string }) {
  const t = useTranslations("dashboard");
  function exportCsv() {
    const csv = tableCsv(
      columns.map((c) => c.label),
      rows.map((r) => columns.map((c) => c.csv(r))),
    );
    download(fileName, csv);
  }
  return (
    <div className="overflow-x-auto rounded bg-white shadow-sm print:overflow-visible print:break-inside-avoid print:shadow-none" data-testid={`table-${id}`}>
      {/* The caption is the table's name; the visible title beside the button repeats it for sighted readers only. */}
      <div className="flex flex-wrap items-center gap-3 px-3 pt-2">
        <span aria-hidden="true" className="font-semibold">
          {caption}
        </span>
        <button type="button" onClick={exportCsv} disabled={rows.length === 0} className="ml-auto rounded border border-slate-400 px-2 py-0.5 text-sm hover:bg-slate-100 disabled:opacity-50 print:hidden" aria-label={t("exportCsvOf", { table: caption })}>
          {t("exportCsv")}
        </button>
      </div>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100">
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={`px-3 py-2 ${c.numeric ? "text-right" : ""}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} className="border-t">
              {columns.map((c) => {
                const content = c.cell ? c.cell(r) : c.csv(r);
                const cls = `px-3 py-1.5 ${c.numeric ? "text-right tabular-nums" : ""}`;
                return c.rowHeader ? (
                  <th key={c.key} scope="row" className={`${cls} font-medium`}>
                    {content}
                  </th>
                ) : (
                  <td key={c.key} className={cls}>
                    {content}
                  </td>
                );
              })}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="px-3 py-4 text-center text-slate-600">
                {t("noRows")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
