import { getRun } from "@/lib/server/runs/get-run";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "runs.read",
  schemas: { params: ZIdParams },
  handler: ({ actor, params }) => getRun(actor, params.id),
});
