"use client";
import { useTranslations } from "next-intl";
import Link from "next/link";
import type { TRegionRow, TTrendPoint } from "@/lib/domain/dashboard-contract";
import { CategoryBars, color, TrendLines } from "./charts";
import { DataTable } from "./data-table";
import { count, fenToYuanNumber, pct, pctPlain, tky, tkyPlain, yuan, yuanPlain } from "@/lib/domain/dashboard-format";
import { Kpi, Kpis, Pair, Section, type TSectionProps } from "./parts";

type TCause = TSectionProps["d"]["savings"]["byCause"][number];

/** Section 1: money no longer paid to the deceased and the unverified, by month, region and cause. */
export function SavingsSection({ d, regionName, fileName, regionHref, openRegion }: TSectionProps) {
  const t = useTranslations("dashboard");
  const s = d.savings;
  const label = (group: "causes" | "kinds", v: string) => (t.has(`savings.${group}.${v}`) ? t(`savings.${group}.${v}` as "savings.causes.deceased") : v);
  const first = d.trend[0]?.period ?? d.period;
  const top = [...d.byRegion].sort((a, b) => (BigInt(b.savingsFen) > BigInt(a.savingsFen) ? 1 : BigInt(b.savingsFen) < BigInt(a.savingsFen) ? -1 : 0))[0];
  return (
    <Section id="savings" title={t("savings.title")}>
      <Kpis>
        <Kpi id="savings-month" label={t("savings.month")} value={yuan(s.monthFen)} />
        <Kpi id="savings-projected" label={t("savings.projected")} value={yuan(s.projectedAnnualFen)} />
        <Kpi id="savings-cumulative" label={t("savings.cumulative")} value={yuan(s.cumulativeFen)} />
        <Kpi id="savings-holds" label={t("savings.holds")} value={count(s.holds)} />
      </Kpis>
      <Pair>
        <TrendLines
          label={t("chartOf", {
            title: t("savings.trend"),
            summary: t("trendSummary", { first, last: d.period, series: `${t("savings.amount")} ${yuan(d.trend[0]?.savingsFen ?? "0")} → ${yuan(d.trend.at(-1)?.savingsFen ?? "0")}` }),
          })}
          data={d.trend.map((p) => ({ period: p.period, savings: fenToYuanNumber(p.savingsFen) }))}
          x="period"
          series={[{ key: "savings", label: t("savings.amount"), color: color(0) }]}
          format={(v) => yuan(String(Math.round(v * 100)))}
        />
        <DataTable<TTrendPoint>
          id="savings-trend"
          caption={t("savings.trend")}
          fileName={fileName("savings-trend")}
          rows={d.trend}
          rowKey={(p) => p.period}
          columns={[
            { key: "period", label: t("monthCol"), rowHeader: true, csv: (p) => p.period },
            { key: "savings", label: t("savings.amount"), numeric: true, csv: (p) => yuanPlain(p.savingsFen), cell: (p) => yuan(p.savingsFen) },
            { key: "holds", label: t("savings.holds"), numeric: true, csv: (p) => p.holds, cell: (p) => count(p.holds) },
          ]}
        />
      </Pair>
      {(d.byRegion.length > 0 || d.region?.level !== "county") && (
        <Pair>
          {d.byRegion.length > 0 && (
            <CategoryBars
              label={t("chartOf", { title: t("savings.byRegionChart"), summary: top ? t("savings.byRegionSummary", { name: regionName(top), amount: yuan(top.savingsFen) }) : "" })}
              data={d.byRegion.map((r) => ({ code: r.code, name: regionName(r), savings: fenToYuanNumber(r.savingsFen), fen: r.savingsFen }))}
              x="name"
              series={{ key: "savings", label: t("savings.amount"), color: color(0) }}
              format={(v) => yuan(String(Math.round(v * 100)))}
              onOpen={(row) => openRegion(String(row.code))}
              barLabel={(row) => t("openBar", { name: String(row.name), value: yuan(String(row.fen)) })}
            />
          )}
          <DataTable<TRegionRow>
            id="by-region"
            caption={t("savings.byRegion")}
            fileName={fileName("by-region")}
            rows={d.byRegion}
            rowKey={(r) => r.code}
            columns={[
              {
                key: "region",
                label: t("regionCol"),
                rowHeader: true,
                csv: (r) => regionName(r),
                // Every row opens its region (a county too: its own figures); drillable ones have more below.
                cell: (r) => (
                  <Link href={regionHref(r.code)} className="text-brand-700 underline print:text-inherit print:no-underline" title={t("open", { name: regionName(r) })}>
                    {regionName(r)}
                  </Link>
                ),
              },
              { key: "code", label: t("codeCol"), csv: (r) => r.code, cell: (r) => <span className="font-mono">{r.code}</span> },
              { key: "savings", label: t("savings.amount"), numeric: true, csv: (r) => yuanPlain(r.savingsFen), cell: (r) => yuan(r.savingsFen) },
              { key: "holds", label: t("savings.holds"), numeric: true, csv: (r) => r.holds, cell: (r) => count(r.holds) },
              { key: "due", label: t("checks.due"), numeric: true, csv: (r) => r.checksDue, cell: (r) => count(r.checksDue) },
              { key: "passed", label: t("checks.passed"), numeric: true, csv: (r) => r.checksPassed, cell: (r) => count(r.checksPassed) },
              { key: "overdue", label: t("checks.overdue"), numeric: true, csv: (r) => r.checksOverdue, cell: (r) => count(r.checksOverdue) },
              { key: "passRate", label: t("checks.passRate"), numeric: true, csv: (r) => pctPlain(r.passRate), cell: (r) => pct(r.passRate) },
              { key: "fees", label: t("fees.amount"), numeric: true, csv: (r) => tkyPlain(r.feesBase), cell: (r) => tky(r.feesBase) },
            ]}
          />
        </Pair>
      )}
      <DataTable<TCause>
        id="by-cause"
        caption={t("savings.byCause")}
        fileName={fileName("by-cause")}
        rows={s.byCause}
        rowKey={(c) => `${c.cause}:${c.kind}`}
        columns={[
          { key: "cause", label: t("savings.cause"), rowHeader: true, csv: (c) => label("causes", c.cause) },
          { key: "kind", label: t("savings.kind"), csv: (c) => label("kinds", c.kind) },
          { key: "holds", label: t("savings.holds"), numeric: true, csv: (c) => c.holds, cell: (c) => count(c.holds) },
          { key: "month", label: t("savings.amount"), numeric: true, csv: (c) => yuanPlain(c.monthFen), cell: (c) => yuan(c.monthFen) },
        ]}
      />
    </Section>
  );
}
