import { getLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { FaceEnrol } from "@/components/officer/face-enrol";
import { PensionerActivity } from "@/components/officer/pensioner-activity";
import { PensionerDetail } from "@/components/officer/pensioner-detail";
import { StatusHistory } from "@/components/officer/status-history";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/server/app-error";
import { getPensioner } from "@/lib/server/pensioners/get-pensioner";
import { getPensionerActivity } from "@/lib/server/pensioners/get-pensioner-activity";
import { getStatusHistory } from "@/lib/server/pensioners/get-status-history";
import { countyOptions } from "@/lib/server/regions/county-options";
import { regionNames } from "@/lib/server/regions/region-names";

export default async function PensionerPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePagePermission("pensioners.read");
  const { id } = await params;
  const locale = await getLocale();
  const actor = actorOf(user);
  // The audited read and the page's lists go to PostgreSQL together; nothing renders unless the
  // read was audited (Promise.all rejects with the first failure, a 404 alike from each).
  const [p, history, activity, counties] = await Promise.all([
    getPensioner(actor, id, locale),
    getStatusHistory(actor, id),
    getPensionerActivity(actor, id),
    can(user.role, "pensioners.write") ? countyOptions(user.regions, locale) : [],
  ]).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const names = await regionNames(locale);
  const noticeRegions = Object.fromEntries((activity.notices?.items ?? []).map((n) => [n.region, names.get(n.region) ?? n.region]));
  return (
    <div className="space-y-6">
      <PensionerDetail
        initial={p}
        counties={counties}
        canWrite={can(user.role, "pensioners.write")}
        canReveal={can(user.role, "pensioners.revealId")}
      />
      {can(user.role, "faces.enrol") && <FaceEnrol pensionerId={p.id} />}
      <StatusHistory rows={history} />
      <PensionerActivity activity={activity} regionNames={noticeRegions} />
    </div>
  );
}
