"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { api, ApiError } from "@/lib/query-client";

type TImport = { id: string; status: "running" | "completed" | "failed"; bytesTotal: number | null; bytesRead: number; rowsRead: number; rowsInserted: number; rowsUnchanged: number; rowsRejected: number; error: string | null };
type TRejections = { items: { line: number; field: string; reason: string }[]; total: number; page: number; pageSize: number };

export function ImportPanel({ columns }: { columns: string }) {
  const t = useTranslations("import");
  const [file, setFile] = useState<File | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState(1);

  const status = useQuery({
    queryKey: ["import", importId],
    queryFn: () => api<TImport>(`/api/v1/imports/${importId}`),
    enabled: !!importId,
    refetchInterval: (q) => (q.state.data?.status === "running" || uploading ? 500 : false),
  });
  const done = status.data && status.data.status !== "running" && !uploading;
  const rejections = useQuery({
    queryKey: ["import-rejections", importId, page],
    queryFn: () => api<TRejections>(`/api/v1/imports/${importId}/rejections?page=${page}&pageSize=50`),
    enabled: !!importId && !!done,
  });

  async function start() {
    if (!file) return;
    setError(null);
    setPage(1);
    setUploading(true);
    try {
      const { id } = await api<{ id: string }>("/api/v1/imports", { method: "POST", json: { fileName: file.name, size: file.size } });
      setImportId(id);
      const res = await fetch(`/api/v1/imports/${id}/file`, { method: "PUT", headers: { "content-type": "text/csv" }, body: file });
      if (!res.ok) {
        const p = await res.json().catch(() => null);
        setError(p?.title ?? res.statusText);
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.problem.title : String(e));
    } finally {
      setUploading(false);
      void status.refetch();
    }
  }

  const d = status.data;
  const percent = d?.bytesTotal ? Math.min(100, Math.round((d.bytesRead / d.bytesTotal) * 100)) : 0;
  const pages = rejections.data ? Math.max(1, Math.ceil(rejections.data.total / rejections.data.pageSize)) : 1;
  return (
    <div className="space-y-5">
      <section className="rounded bg-white p-5 shadow-sm">
        <h1 className="mb-2 text-2xl font-bold">{t("title")}</h1>
        <p className="mb-1">{t("help")}</p>
        <code className="mb-4 block overflow-x-auto rounded bg-slate-100 p-2 text-sm">{columns}</code>
        <div className="flex flex-wrap items-center gap-3">
          <label className="rounded border border-slate-500 px-3 py-2">
            <span className="sr-only">{t("choose")}</span>
            <input type="file" className="w-full max-w-full" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" />
          </label>
          <button type="button" onClick={start} disabled={!file || uploading} className="rounded bg-brand-700 px-4 py-2 font-semibold text-white disabled:opacity-50">
            {uploading ? t("uploading") : t("start")}
          </button>
        </div>
      </section>
      {(uploading || d) && (
        <section className="rounded bg-white p-5 shadow-sm" aria-live="polite">
          {(uploading || d?.status === "running") && (
            <div>
              <progress max={100} value={percent} className="h-4 w-full" aria-label={t("uploading")} />
              <p className="mt-1 text-sm">{t("progress", { rows: d?.rowsRead ?? 0, percent })}</p>
            </div>
          )}
          {done && d && (
            <div data-testid="import-result">
              <h2 className={`mb-3 text-xl font-bold ${d.status === "failed" ? "text-red-800" : "text-green-800"}`}>
                {d.status === "failed" ? t("failed") : t("done")}
              </h2>
              {d.status === "failed" && <p role="alert" className="mb-3 rounded bg-red-50 p-3 text-red-800">{d.error} {t("nothingLanded")}</p>}
              <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                {([["read", d.rowsRead], ["inserted", d.rowsInserted], ["unchanged", d.rowsUnchanged], ["rejected", d.rowsRejected]] as const).map(([k, v]) => (
                  <div key={k} className="rounded bg-slate-100 p-3">
                    <dt className="text-sm text-slate-600">{t(k)}</dt>
                    <dd className="text-2xl font-bold tabular-nums" data-testid={`import-${k}`}>{v.toLocaleString()}</dd>
                  </div>
                ))}
              </dl>
            </div>
          )}
          {error && !d?.error && <p role="alert" className="mt-3 rounded bg-red-50 p-3 text-red-800">{error}</p>}
        </section>
      )}
      {done && rejections.data && (
        <section className="rounded bg-white p-5 shadow-sm">
          <h2 className="mb-3 text-xl font-bold">{t("rejections")}</h2>
          {rejections.data.total === 0 ? (
            <p>{t("noRejections")}</p>
          ) : (
            <>
              <table className="w-full text-left" data-testid="rejections">
                <thead className="bg-slate-100 text-sm">
                  <tr><th className="px-3 py-2">{t("line")}</th><th className="px-3 py-2">{t("field")}</th><th className="px-3 py-2">{t("reason")}</th></tr>
                </thead>
                <tbody>
                  {rejections.data.items.map((r) => (
                    <tr key={`${r.line}-${r.field}`} className="border-t">
                      <td className="px-3 py-1 tabular-nums">{r.line}</td>
                      <td className="px-3 py-1 font-mono text-sm">{r.field}</td>
                      <td className="px-3 py-1">{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav className="mt-3 flex gap-3" aria-label="pagination">
                <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)} className="rounded border px-3 py-1 disabled:opacity-40">‹</button>
                <span className="text-sm">{page} / {pages}</span>
                <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)} className="rounded border px-3 py-1 disabled:opacity-40">›</button>
              </nav>
            </>
          )}
        </section>
      )}
    </div>
  );
}
