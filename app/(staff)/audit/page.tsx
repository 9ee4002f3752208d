import { getFormatter, getTranslations } from "next-intl/server";
import { AuditTrailView } from "@/components/supervisor/audit-trail-view";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { ZAuditTrailFilter } from "@/lib/server/audit/audit-trail-filter";
import { getLatestCheckpoint } from "@/lib/server/audit/get-latest-checkpoint";
import { listAuditTrail } from "@/lib/server/audit/list-audit-trail";
import { ZPage } from "@/lib/server/schemas";

type TSearch = Promise<Record<string, string | string[] | undefined>>;
const PAGE_SIZE = 25;

export default async function AuditPage({ searchParams }: { searchParams: TSearch }) {
  const user = await requirePagePermission("audit.verify");
  const t = await getTranslations("audit");
  const format = await getFormatter();
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" ? (sp[k] as string) : "");
  const raw = { actor: one("actor"), action: one("action"), pensionerId: one("pensionerId"), from: one("from"), to: one("to") };
  const filter = ZAuditTrailFilter.safeParse(raw);
  const page = ZPage.safeParse({ page: one("page") || undefined, pageSize: PAGE_SIZE });
  const [list, latest] = await Promise.all([
    filter.success && page.success ? listAuditTrail(actorOf(user), { ...filter.data, ...page.data }) : null,
    getLatestCheckpoint(),
  ]);
  const query = new URLSearchParams(Object.entries(raw).filter(([, v]) => v) as [string, string][]);
  const fmt = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "medium", timeZone: "Asia/Shanghai" });
  return (
    <AuditTrailView
      filter={raw}
      query={query.toString()}
      invalid={!filter.success}
      list={list && { ...list, items: list.items.map((i) => ({ ...i, atText: fmt(i.at) })) }}
      latest={latest.checkpoint && { ...latest.checkpoint, atText: fmt(latest.checkpoint.at) }}
      t={{
        title: t("title"),
        subtitle: t("subtitle"),
        actor: t("actor"),
        action: t("action"),
        pensionerId: t("pensionerId"),
        from: t("from"),
        to: t("to"),
        apply: t("apply"),
        export: t("export"),
        invalid: t("invalid"),
        none: t("none"),
        at: t("at"),
        who: t("who"),
        what: t("what"),
        target: t("target"),
        region: t("region"),
        proof: t("proof"),
        pending: t("pending"),
        sealed: t.raw("sealed") as string,
        proofLink: t("proofLink"),
        latest: t.raw("latest") as string,
        noCheckpoint: t("noCheckpoint"),
        anchor: t.raw("anchor") as string,
        anchorNone: t("anchorNone"),
        prev: t("prev"),
        next: t("next"),
        pageOf: t.raw("pageOf") as string,
        system: t("system"),
      }}
    />
  );
}
