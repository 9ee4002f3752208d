import { ZPeriod } from "@/lib/bdmi/survival-model";
import { listRuns } from "@/lib/server/runs/list-runs";
import { startMonthlyRun, ZStartRun } from "@/lib/server/runs/start-monthly-run";
import { ZPage } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "runs.read",
  schemas: { query: ZPage.extend({ period: ZPeriod.optional() }) },
  handler: ({ actor, query }) => listRuns(actor, query),
});

// 201 for a new run; a start of a run that already exists joins it and answers 200 with joined=true.
export const POST = withRoute({
  permission: "runs.start",
  schemas: { body: ZStartRun },
  handler: async ({ actor, body }) => {
    const r = await startMonthlyRun(actor, body);
    return Response.json(r, { status: r.joined ? 200 : 201 });
  },
});
