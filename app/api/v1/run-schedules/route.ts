import { createRunSchedule, ZCreateRunSchedule } from "@/lib/server/runs/create-run-schedule";
import { listRunSchedules } from "@/lib/server/runs/list-run-schedules";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "runs.read",
  handler: ({ actor }) => listRunSchedules(actor),
});

export const POST = withRoute({
  permission: "runs.start",
  schemas: { body: ZCreateRunSchedule },
  status: 201,
  handler: ({ actor, body }) => createRunSchedule(actor, body),
});
