"use client";
// Recharts 3 charts for the dashboard. Each sits in a figure with role="img" and a spoken summary;
// the table under it is the accessible path to the numbers, so recharts' own keyboard layer is off
// (it would put a second, less useful, tab stop on every chart). Bars that drill down are the
// exception: each is a link of its own (a tab stop, Enter or Space opens it, a focus ring), in a
// figure with role="group" so the links inside are not hidden by an image role.
import type { KeyboardEvent, ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, Tooltip, XAxis, YAxis, type BarShapeProps } from "recharts";

export type TChartRow = Record<string, string | number | null>;
export type TSeries = { key: string; label: string; color: string };

const PALETTE = ["#9f1d20", "#2563eb", "#15803d", "#b45309", "#7c3aed", "#0f766e", "#be185d", "#475569"];
export const color = (i: number) => PALETTE[i % PALETTE.length] as string;

const box = { width: "100%", height: 260 } as const;
const compact = (v: number) => Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(v);

function Figure({ label, children, interactive }: { label: string; children: ReactNode; interactive?: boolean }) {
  return (
    <figure role={interactive ? "group" : "img"} aria-label={label} className="rounded bg-white p-3 shadow-sm print:break-inside-avoid print:shadow-none">
      {children}
    </figure>
  );
}

/** Lines over the trend's months. */
export function TrendLines({ label, data, x, series, format }: { label: string; data: TChartRow[]; x: string; series: TSeries[]; format: (v: number) => string }) {
  return (
    <Figure label={label}>
      <LineChart responsive style={box} data={data} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey={x} tick={{ fontSize: 12 }} />
        <YAxis tickFormatter={compact} tick={{ fontSize: 12 }} width={56} />
        <Tooltip formatter={(v) => format(Number(v))} />
        <Legend />
        {series.map((s) => (
          <Line key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        ))}
      </LineChart>
    </Figure>
  );
}

/** Bars over the trend's months, stacked when `stacked`. */
export function TrendBars({ label, data, x, series, format, stacked }: { label: string; data: TChartRow[]; x: string; series: TSeries[]; format: (v: number) => string; stacked?: boolean }) {
  return (
    <Figure label={label}>
      <BarChart responsive style={box} data={data} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey={x} tick={{ fontSize: 12 }} />
        <YAxis tickFormatter={compact} tick={{ fontSize: 12 }} width={56} />
        <Tooltip formatter={(v) => format(Number(v))} />
        <Legend />
        {series.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} stackId={stacked ? "all" : undefined} isAnimationActive={false} />
        ))}
      </BarChart>
    </Figure>
  );
}

/** One bar a category (a region); a bar opens its row by mouse, and from the keyboard (Tab to it, Enter or Space), as the table's links do. */
export function CategoryBars({
  label,
  data,
  x,
  series,
  format,
  onOpen,
  barLabel,
}: {
  label: string;
  data: TChartRow[];
  x: string;
  series: TSeries;
  format: (v: number) => string;
  onOpen?: (row: TChartRow) => void;
  /** The accessible name of a bar that opens its row ("Open Guiyang (¥1,234)"). */
  barLabel?: (row: TChartRow) => string;
}) {
  const open = onOpen;
  const shape = open
    ? (p: BarShapeProps) => {
        const row = p.payload as TChartRow;
        const onKeyDown = (e: KeyboardEvent<SVGRectElement>) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            open(row);
          }
        };
        return (
          <rect
            x={p.x}
            y={p.y}
            width={Math.max(0, p.width ?? 0)}
            height={Math.max(0, p.height ?? 0)}
            fill={p.fill}
            role="link"
            tabIndex={0}
            aria-label={barLabel ? barLabel(row) : String(row[x] ?? "")}
            data-code={row.code ?? undefined}
            className="chart-bar"
            onClick={() => open(row)}
            onKeyDown={onKeyDown}
          />
        );
      }
    : undefined;
  return (
    <Figure label={label} interactive={!!open}>
      <BarChart responsive style={box} data={data} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey={x} tick={{ fontSize: 12 }} interval={0} angle={data.length > 6 ? -30 : 0} textAnchor={data.length > 6 ? "end" : "middle"} height={data.length > 6 ? 60 : 30} />
        <YAxis tickFormatter={compact} tick={{ fontSize: 12 }} width={56} />
        <Tooltip formatter={(v) => format(Number(v))} />
        <Bar dataKey={series.key} name={series.label} fill={series.color} cursor={open ? "pointer" : undefined} shape={shape} isAnimationActive={false} />
      </BarChart>
    </Figure>
  );
}

/** Shares of a whole (the status mix). */
export function Shares({ label, data, format }: { label: string; data: { name: string; value: number }[]; format: (v: number) => string }) {
  return (
    <Figure label={label}>
      <PieChart responsive style={box} accessibilityLayer={false}>
        <Pie data={data} dataKey="value" nameKey="name" innerRadius="45%" outerRadius="80%" isAnimationActive={false}>
          {data.map((d, i) => (
            <Cell key={d.name} fill={color(i)} />
          ))}
        </Pie>
        <Tooltip formatter={(v) => format(Number(v))} />
        <Legend />
      </PieChart>
    </Figure>
  );
}
