"use client";
// Small pieces shared by the dashboard's sections.
import type { ReactNode } from "react";
import type { TDashboard } from "@/lib/domain/dashboard-contract";

/** What every section needs: the response, the locale's region names, CSV file names, drill-down links. */
export type TSectionProps = {
  d: TDashboard;
  regionName: (r: { name: string; nameEn: string }) => string;
  /** dashboard-<table>-<period>-<region or "all">.csv */
  fileName: (table: string) => string;
  /** The dashboard's URL with `region` selected (the period kept). */
  regionHref: (code: string | null) => string;
  openRegion: (code: string) => void;
};

export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 print:break-before-auto" data-testid={`section-${id}`}>
      <h2 id={`${id}-title`} className="border-b pb-1 text-xl font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export function Kpis({ children, three }: { children: ReactNode; three?: boolean }) {
  return <dl className={`grid grid-cols-2 gap-3 ${three ? "lg:grid-cols-3 print:grid-cols-3" : "lg:grid-cols-4 print:grid-cols-4"}`}>{children}</dl>;
}

export function Kpi({ id, label, value, hint }: { id: string; label: string; value: string; hint?: string }) {
  return (
    <div className="rounded bg-white p-4 shadow-sm print:border print:shadow-none">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="text-2xl font-bold tabular-nums" data-testid={`kpi-${id}`}>
        {value}
      </dd>
      {hint && <dd className="text-sm text-slate-600">{hint}</dd>}
    </div>
  );
}

/** A chart with its table under it. */
export function Pair({ children }: { children: ReactNode }) {
  return <div className="space-y-2">{children}</div>;
}
