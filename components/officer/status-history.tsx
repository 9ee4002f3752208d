import { getTranslations } from "next-intl/server";
import type { TStatusHistoryRow } from "@/lib/server/pensioners/get-status-history";

const TONE: Record<string, string> = {
  alive: "text-green-800",
  suspected: "text-amber-800",
  deceased: "text-red-800",
  sentenced: "text-purple-800",
};

/** A pensioner's monthly survival statuses, newest first (server-rendered: it changes once a month). */
export async function StatusHistory({ rows }: { rows: TStatusHistoryRow[] }) {
  const t = await getTranslations("history");
  const tr = await getTranslations("runs");
  return (
    <section className="rounded bg-white shadow-sm" aria-labelledby="status-history">
      <h2 id="status-history" className="border-b px-4 py-2 text-lg font-semibold">{t("title")}</h2>
      {rows.length === 0 ? (
        <p className="p-4 text-slate-700" data-testid="history-empty">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left" data-testid="status-history">
            <thead className="bg-slate-100 text-sm">
              <tr>
                <th className="px-3 py-2">{t("period")}</th>
                <th className="px-3 py-2">{t("status")}</th>
                <th className="px-3 py-2">{t("basis")}</th>
                <th className="px-3 py-2">{t("previous")}</th>
                <th className="px-3 py-2 text-right">{t("score")}</th>
                <th className="px-3 py-2 text-right">{t("evidence")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.period} className="border-t">
                  <th scope="row" className="px-3 py-2 font-medium tabular-nums">{r.period}</th>
                  <td className={`px-3 py-2 font-semibold ${TONE[r.status] ?? ""}`}>{tr(`status_${r.status}`)}</td>
                  <td className="px-3 py-2">{t(`basis_${r.basis}`)}</td>
                  <td className="px-3 py-2">{r.previousStatus ? tr(`status_${r.previousStatus}`) : "—"}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.S} / {r.T}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.evidenceCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
