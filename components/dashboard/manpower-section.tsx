"use client";
import { useTranslations } from "next-intl";
import type { TTrendPoint } from "@/lib/domain/dashboard-contract";
import { color, TrendBars } from "./charts";
import { DataTable } from "./data-table";
import { count, pct, pctPlain } from "@/lib/domain/dashboard-format";
import { Kpi, Kpis, Pair, Section, type TSectionProps } from "./parts";

const share = (p: TTrendPoint): number | null => {
  const all = p.passive + p.kioskPassed + p.officerCases;
  return all > 0 ? (p.passive + p.kioskPassed) / all : null;
};

/** Section 4: verifications that needed no officer (passive model, kiosk) against cases an officer worked. */
export function ManpowerSection({ d, fileName }: TSectionProps) {
  const t = useTranslations("dashboard");
  const m = d.manpower;
  const last = d.trend.at(-1);
  return (
    <Section id="manpower" title={t("manpower.title")}>
      <Kpis three>
        <Kpi id="manpower-no-officer" label={t("manpower.noOfficer")} value={count(m.passive + m.kioskPassed)} hint={t("manpower.noOfficerHint", { passive: count(m.passive), kiosk: count(m.kioskPassed) })} />
        <Kpi id="manpower-officer" label={t("manpower.officer")} value={count(m.officerCases)} />
        <Kpi id="manpower-share" label={t("manpower.share")} value={pct(m.noOfficerShare)} />
      </Kpis>
      <Pair>
        <TrendBars
          stacked
          label={t("chartOf", {
            title: t("manpower.trend"),
            summary: t("trendSummary", {
              first: d.trend[0]?.period ?? d.period,
              last: d.period,
              series: `${t("manpower.passive")} ${count(last?.passive ?? 0)}, ${t("manpower.kiosk")} ${count(last?.kioskPassed ?? 0)}, ${t("manpower.officerCases")} ${count(last?.officerCases ?? 0)}`,
            }),
          })}
          data={d.trend.map((p) => ({ period: p.period, passive: p.passive, kiosk: p.kioskPassed, officer: p.officerCases }))}
          x="period"
          series={[
            { key: "passive", label: t("manpower.passive"), color: color(2) },
            { key: "kiosk", label: t("manpower.kiosk"), color: color(1) },
            { key: "officer", label: t("manpower.officerCases"), color: color(0) },
          ]}
          format={count}
        />
        <DataTable<TTrendPoint>
          id="manpower-trend"
          caption={t("manpower.trend")}
          fileName={fileName("manpower-trend")}
          rows={d.trend}
          rowKey={(p) => p.period}
          columns={[
            { key: "period", label: t("monthCol"), rowHeader: true, csv: (p) => p.period },
            { key: "passive", label: t("manpower.passive"), numeric: true, csv: (p) => p.passive, cell: (p) => count(p.passive) },
            { key: "kiosk", label: t("manpower.kiosk"), numeric: true, csv: (p) => p.kioskPassed, cell: (p) => count(p.kioskPassed) },
            { key: "officer", label: t("manpower.officerCases"), numeric: true, csv: (p) => p.officerCases, cell: (p) => count(p.officerCases) },
            { key: "share", label: t("manpower.shareCol"), numeric: true, csv: (p) => pctPlain(share(p)), cell: (p) => pct(share(p)) },
          ]}
        />
      </Pair>
    </Section>
  );
}
