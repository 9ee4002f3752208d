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
  const p = await getPensioner(actorOf(user), id, locale).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const [history, activity, names] = await Promise.all([getStatusHistory(actorOf(user), id), getPensionerActivity(actorOf(user), id), regionNames(locale)]);
  return (
    <div className="space-y-6">
      <PensionerDetail
        initial={p}
        counties={await countyOptions(user.regions, locale)}
        canWrite={can(user.role, "pensioners.write")}
        canReveal={can(user.role, "pensioners.revealId")}
      />
      {can(user.role, "faces.enrol") && <FaceEnrol pensionerId={p.id} />}
      <StatusHistory rows={history} />
      <PensionerActivity activity={activity} regionNames={Object.fromEntries(names)} />
    </div>
  );
}
