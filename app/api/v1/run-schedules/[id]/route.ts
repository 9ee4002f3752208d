import { z } from "zod";
import { cancelRunSchedule } from "@/lib/server/runs/cancel-run-schedule";
import { updateRunSchedule, ZUpdateRunSchedule } from "@/lib/server/runs/update-run-schedule";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const PATCH = withRoute({
  permission: "runs.start",
  schemas: { params: ZIdParams, body: ZUpdateRunSchedule },
  handler: ({ actor, params, body }) => updateRunSchedule(actor, params.id, body),
});

// DELETE cancels (the row stays, for the trail); ?version= guards against a stale page.
export const DELETE = withRoute({
  permission: "runs.start",
  schemas: { params: ZIdParams, query: z.object({ version: z.coerce.number().int().min(0).optional() }) },
  handler: ({ actor, params, query }) => cancelRunSchedule(actor, params.id, query.version),
});
