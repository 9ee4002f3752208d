import { getStatusHistory } from "@/lib/server/pensioners/get-status-history";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "pensioners.read",
  schemas: { params: ZIdParams },
  handler: ({ actor, params }) => getStatusHistory(actor, params.id),
});
