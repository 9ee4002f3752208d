import { getLocale } from "next-intl/server";
import { RunSchedulesPanel } from "@/components/runs/run-schedules-panel";
import { RunsPanel } from "@/components/runs/runs-panel";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import { currentPeriod, defaultRunTime } from "@/lib/domain/period";
import { env } from "@/lib/env.js";
import { runRegionOptions } from "@/lib/server/regions/county-options";
import { listRunSchedules } from "@/lib/server/runs/list-run-schedules";
import { listRuns } from "@/lib/server/runs/list-runs";

export default async function RunsPage() {
  const user = await requirePagePermission("runs.read");
  const locale = await getLocale();
  const initial = await listRuns(actorOf(user), { page: 1, pageSize: 20 });
  const regionOptions = await runRegionOptions(user.regions, locale);
  return (
    <RunsPanel
      schedules={<RunSchedulesPanel initial={await listRunSchedules(actorOf(user))} regionOptions={regionOptions} canManage={can(user.role, "runs.start")} />}
      initial={initial}
      regionOptions={regionOptions}
      defaultPeriod={currentPeriod()}
      defaultCohortMinAge={env.RUN_COHORT_MIN_AGE}
      defaultScheduledFor={new Date(defaultRunTime().getTime() + 8 * 3600_000).toISOString().slice(0, 16)}
      canStart={can(user.role, "runs.start")}
    />
  );
}
