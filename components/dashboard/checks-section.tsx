"use client";
import { useTranslations } from "next-intl";
import type { TTrendPoint } from "@/lib/domain/dashboard-contract";
import { color, Shares, TrendLines } from "./charts";
import { DataTable } from "./data-table";
import { count, pct, pctPlain } from "@/lib/domain/dashboard-format";
import { Kpi, Kpis, Pair, Section, type TSectionProps } from "./parts";

type TChecks = TSectionProps["d"]["checks"];
type TMix = TChecks["statusMix"][number] & { share: number | null };
type TKiosk = TChecks["kioskUsage"][number];

/** Section 2: checks due, completed and overdue, the pass rate, the status mix and the kiosks' use. */
export function ChecksSection({ d, fileName }: TSectionProps) {
  const t = useTranslations("dashboard");
  const c = d.checks;
  const status = (s: string) => (t.has(`checks.statuses.${s}`) ? t(`checks.statuses.${s}` as "checks.statuses.passed") : s);
  const total = c.statusMix.reduce((a, m) => a + m.n, 0);
  const mix: TMix[] = c.statusMix.map((m) => ({ ...m, share: total > 0 ? m.n / total : null }));
  const series = [
    { key: "due", label: t("checks.due"), color: color(1) },
    { key: "passed", label: t("checks.passed"), color: color(2) },
    { key: "overdue", label: t("checks.overdue"), color: color(0) },
  ];
  const last = d.trend.at(-1);
  return (
    <Section id="checks" title={t("checks.title")}>
      <Kpis>
        <Kpi id="checks-due" label={t("checks.due")} value={count(c.due)} />
        <Kpi id="checks-completed" label={t("checks.completed")} value={count(c.passed + c.failed + c.review)} hint={t("checks.completedHint")} />
        <Kpi id="checks-overdue" label={t("checks.overdue")} value={count(c.overdue)} />
        <Kpi id="checks-pass-rate" label={t("checks.passRateCard")} value={pct(c.passRate)} />
      </Kpis>
      <Pair>
        <TrendLines
          label={t("chartOf", {
            title: t("checks.trend"),
            summary: t("trendSummary", {
              first: d.trend[0]?.period ?? d.period,
              last: d.period,
              series: `${t("checks.due")} ${count(last?.checksDue ?? 0)}, ${t("checks.passed")} ${count(last?.checksPassed ?? 0)}, ${t("checks.overdue")} ${count(last?.checksOverdue ?? 0)}`,
            }),
          })}
          data={d.trend.map((p) => ({ period: p.period, due: p.checksDue, passed: p.checksPassed, overdue: p.checksOverdue }))}
          x="period"
          series={series}
          format={count}
        />
        <DataTable<TTrendPoint>
          id="checks-trend"
          caption={t("checks.trend")}
          fileName={fileName("checks-trend")}
          rows={d.trend}
          rowKey={(p) => p.period}
          columns={[
            { key: "period", label: t("monthCol"), rowHeader: true, csv: (p) => p.period },
            { key: "due", label: t("checks.due"), numeric: true, csv: (p) => p.checksDue, cell: (p) => count(p.checksDue) },
            { key: "passed", label: t("checks.passed"), numeric: true, csv: (p) => p.checksPassed, cell: (p) => count(p.checksPassed) },
            { key: "overdue", label: t("checks.overdue"), numeric: true, csv: (p) => p.checksOverdue, cell: (p) => count(p.checksOverdue) },
            { key: "passRate", label: t("checks.passRate"), numeric: true, csv: (p) => pctPlain(p.passRate), cell: (p) => pct(p.passRate) },
          ]}
        />
      </Pair>
      <Pair>
        {total > 0 && (
          <Shares
            label={t("chartOf", { title: t("checks.statusMix"), summary: mix.map((m) => `${status(m.status)} ${count(m.n)}`).join(", ") + "." })}
            data={mix.map((m) => ({ name: status(m.status), value: m.n }))}
            format={count}
          />
        )}
        <DataTable<TMix>
          id="status-mix"
          caption={t("checks.statusMix")}
          fileName={fileName("status-mix")}
          rows={mix}
          rowKey={(m) => m.status}
          columns={[
            { key: "status", label: t("checks.status"), rowHeader: true, csv: (m) => status(m.status) },
            { key: "n", label: t("checks.count"), numeric: true, csv: (m) => m.n, cell: (m) => count(m.n) },
            { key: "share", label: t("checks.share"), numeric: true, csv: (m) => pctPlain(m.share), cell: (m) => pct(m.share) },
          ]}
        />
      </Pair>
      <DataTable<TKiosk>
        id="kiosk-usage"
        caption={t("checks.kioskUsage")}
        fileName={fileName("kiosk-usage")}
        rows={c.kioskUsage}
        rowKey={(k) => k.deviceId}
        columns={[
          { key: "device", label: t("checks.device"), rowHeader: true, csv: (k) => k.name },
          { key: "region", label: t("codeCol"), csv: (k) => k.regionCode, cell: (k) => <span className="font-mono">{k.regionCode}</span> },
          { key: "attempts", label: t("checks.attempts"), numeric: true, csv: (k) => k.attempts, cell: (k) => count(k.attempts) },
          { key: "passed", label: t("checks.passed"), numeric: true, csv: (k) => k.passed, cell: (k) => count(k.passed) },
          { key: "failed", label: t("checks.failed"), numeric: true, csv: (k) => k.failed, cell: (k) => count(k.failed) },
          { key: "review", label: t("checks.review"), numeric: true, csv: (k) => k.review, cell: (k) => count(k.review) },
        ]}
      />
    </Section>
  );
}
