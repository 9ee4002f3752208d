"use client";
import { useTranslations } from "next-intl";
import type { TTrendPoint } from "@/lib/domain/dashboard-contract";
import { color, TrendBars } from "./charts";
import { DataTable } from "./data-table";
import { baseToTkyNumber, count, monthReturn, ratio, ratioPlain, tky, tkyPlain, yuan, yuanPlain } from "@/lib/domain/dashboard-format";
import { Kpi, Kpis, Pair, Section, type TSectionProps } from "./parts";

/** Section 3: TKY spent on scoring, its cost per verified pensioner and its return in savings. */
export function FeesSection({ d, fileName }: TSectionProps) {
  const t = useTranslations("dashboard");
  const f = d.fees;
  const price = yuan(f.tkyPriceFen);
  const last = d.trend.at(-1);
  return (
    <Section id="fees" title={t("fees.title")}>
      <Kpis three>
        <Kpi id="fees-spent" label={t("fees.spent")} value={tky(f.amountBase)} hint={t("fees.calls", { count: f.calls })} />
        <Kpi id="fees-cost-per-verified" label={t("fees.costPerVerified")} value={f.costPerVerifiedBase === null ? "—" : tky(f.costPerVerifiedBase)} hint={t("fees.verified", { count: f.verified })} />
        <Kpi id="fees-return" label={t("fees.return")} value={ratio(f.returnRatio)} hint={t("fees.price", { price })} />
      </Kpis>
      <Pair>
        <TrendBars
          label={t("chartOf", {
            title: t("fees.trend"),
            summary: t("trendSummary", { first: d.trend[0]?.period ?? d.period, last: d.period, series: `${t("fees.amount")} ${tky(last?.feesBase ?? "0")}` }),
          })}
          data={d.trend.map((p) => ({ period: p.period, fees: baseToTkyNumber(p.feesBase) }))}
          x="period"
          series={[{ key: "fees", label: t("fees.amount"), color: color(3) }]}
          format={(v) => `${count(v)} TKY`}
        />
        <DataTable<TTrendPoint>
          id="fees-trend"
          caption={t("fees.trend")}
          fileName={fileName("fees-trend")}
          rows={d.trend}
          rowKey={(p) => p.period}
          columns={[
            { key: "period", label: t("monthCol"), rowHeader: true, csv: (p) => p.period },
            { key: "fees", label: t("fees.amount"), numeric: true, csv: (p) => tkyPlain(p.feesBase), cell: (p) => tky(p.feesBase) },
            { key: "savings", label: t("fees.savings"), numeric: true, csv: (p) => yuanPlain(p.savingsFen), cell: (p) => yuan(p.savingsFen) },
            {
              key: "return",
              label: t("fees.returnCol"),
              numeric: true,
              csv: (p) => ratioPlain(monthReturn(p.savingsFen, p.feesBase, f.tkyPriceFen)),
              cell: (p) => ratio(monthReturn(p.savingsFen, p.feesBase, f.tkyPriceFen)),
            },
          ]}
        />
      </Pair>
    </Section>
  );
}
