import { getLocale } from "next-intl/server";
import { RunsPanel } from "@/components/runs/runs-panel";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import { currentPeriod, defaultRunTime } from "@/lib/domain/period";
import { env } from "@/lib/env.js";
import { runRegionOptions } from "@/lib/server/regions/county-options";
import { listRuns } from "@/lib/server/runs/list-runs";

export default async function RunsPage() {
  const user = await requirePagePermission("runs.read");
  const locale = await getLocale();
  const initial = await listRuns(actorOf(user), { page: 1, pageSize: 20 });
  return (
    <RunsPanel
      initial={initial}
      regionOptions={await runRegionOptions(user.regions, locale)}
      defaultPeriod={currentPeriod()}
      defaultCohortMinAge={env.RUN_COHORT_MIN_AGE}
      defaultScheduledFor={new Date(defaultRunTime().getTime() + 8 * 3600_000).toISOString().slice(0, 16)}
      canStart={can(user.role, "runs.start")}
    />
  );
}
