import Link from "next/link";
import type { TCheckpointView } from "@/lib/server/audit/get-latest-checkpoint";
import type { TAuditTrailItem } from "@/lib/server/audit/list-audit-trail";

type TText = Record<
  | "title" | "subtitle" | "actor" | "action" | "pensionerId" | "from" | "to" | "apply" | "export" | "invalid" | "none" | "at" | "who" | "what"
  | "target" | "region" | "proof" | "pending" | "sealed" | "proofLink" | "latest" | "noCheckpoint" | "anchor" | "anchorNone" | "prev" | "next"
  | "pageOf" | "system",
  string
>;

/** {name} placeholders filled in (messages come raw so they can be filled per row on the server). */
const fill = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(v[k] ?? ""));

const input = "rounded border border-slate-400 px-3 py-2 text-base";

/** The supervisor's audit viewer: filters in a plain GET form, server-side pages, each event's sealing status. */
export function AuditTrailView(props: {
  filter: Record<"actor" | "action" | "pensionerId" | "from" | "to", string>;
  query: string;
  invalid: boolean;
  list: { items: (TAuditTrailItem & { atText: string })[]; total: number; page: number; pageSize: number } | null;
  latest: (TCheckpointView & { atText: string }) | null;
  t: TText;
}) {
  const { t, filter, list, latest } = props;
  const pages = list ? Math.max(1, Math.ceil(list.total / list.pageSize)) : 1;
  const pageHref = (p: number) => {
    const q = new URLSearchParams(props.query);
    q.set("page", String(p));
    return `/audit?${q}`;
  };
  return (
    <section className="space-y-4" aria-labelledby="audit-title">
      <div className="flex flex-wrap items-end gap-3">
        <div className="mr-auto">
          <h1 id="audit-title" className="text-2xl font-bold">{t.title}</h1>
          <p className="text-slate-600">{t.subtitle}</p>
        </div>
        <a href={`/api/v1/audit/export?${props.query}`} download className="rounded border border-brand-700 px-3 py-2 text-brand-700" data-testid="audit-export">
          {t.export}
        </a>
      </div>
      <p className="rounded bg-white p-3 text-sm shadow-sm" data-testid="audit-latest">
        {latest
          ? `${fill(t.latest, { id: latest.id, size: latest.treeSize, root: latest.rootHash, at: latest.atText })} · ${
              latest.anchor ? fill(t.anchor, { state: latest.anchor.state, ref: latest.anchor.txId ?? latest.anchor.ledgerRef ?? "—" }) : t.anchorNone
            }`
          : t.noCheckpoint}
      </p>
      <form method="get" action="/audit" className="flex flex-wrap items-end gap-3 rounded bg-white p-3 shadow-sm" role="search">
        <label className="flex flex-col text-sm">
          {t.actor}
          <input name="actor" defaultValue={filter.actor} className={input} autoComplete="off" />
        </label>
        <label className="flex flex-col text-sm">
          {t.action}
          <input name="action" defaultValue={filter.action} className={input} placeholder="pensioner." autoComplete="off" />
        </label>
        <label className="flex min-w-72 flex-col text-sm">
          {t.pensionerId}
          <input name="pensionerId" defaultValue={filter.pensionerId} className={input} autoComplete="off" />
        </label>
        <label className="flex flex-col text-sm">
          {t.from}
          <input type="date" name="from" defaultValue={filter.from} className={input} />
        </label>
        <label className="flex flex-col text-sm">
          {t.to}
          <input type="date" name="to" defaultValue={filter.to} className={input} />
        </label>
        <button type="submit" className="rounded bg-slate-800 px-4 py-2 text-white">{t.apply}</button>
      </form>
      {props.invalid && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{t.invalid}</p>}
      {list && (
        <div className="overflow-x-auto rounded bg-white shadow-sm">
          <table className="w-full text-left text-sm" data-testid="audit-table">
            <thead className="border-b bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2">{t.at}</th>
                <th scope="col" className="px-3 py-2">{t.who}</th>
                <th scope="col" className="px-3 py-2">{t.what}</th>
                <th scope="col" className="px-3 py-2">{t.target}</th>
                <th scope="col" className="px-3 py-2">{t.region}</th>
                <th scope="col" className="px-3 py-2">{t.proof}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.length === 0 && (
                <tr>
                  <td colSpan={6} className="px-3 py-6 text-center text-slate-600">{t.none}</td>
                </tr>
              )}
              {list.items.map((e) => (
                <tr key={e.id} className="border-b last:border-0" data-testid="audit-row" data-event-id={e.id}>
                  <td className="px-3 py-2 whitespace-nowrap">{e.atText}</td>
                  <td className="px-3 py-2">{e.actorName ?? `${t.system} (${e.actorRole})`}</td>
                  <td className="px-3 py-2 font-mono">{e.action}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.targetType}{e.targetId ? ` ${e.targetId}` : ""}</td>
                  <td className="px-3 py-2">{e.regionCode ?? "—"}</td>
                  <td className="px-3 py-2" data-testid="audit-proof-status">
                    {e.leafIndex !== null && e.checkpointId ? (
                      <>
                        {fill(t.sealed, { id: e.checkpointId, leaf: e.leafIndex, size: e.checkpointSize ?? "" })}{" "}
                        <a className="text-brand-700 underline" href={`/api/v1/audit/events/${e.id}/proof`}>{t.proofLink}</a>
                      </>
                    ) : (
                      <span className="text-amber-800">{t.pending}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && (
        <nav className="flex items-center gap-3" aria-label={fill(t.pageOf, { page: list.page, pages })}>
          {list.page > 1 ? <Link href={pageHref(list.page - 1)} className="rounded border px-3 py-1">{t.prev}</Link> : null}
          <span className="text-sm text-slate-600">{fill(t.pageOf, { page: list.page, pages })} · {list.total}</span>
          {list.page < pages ? <Link href={pageHref(list.page + 1)} className="rounded border px-3 py-1">{t.next}</Link> : null}
        </nav>
      )}
    </section>
  );
}
