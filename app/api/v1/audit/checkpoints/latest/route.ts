import { getLatestCheckpoint } from "@/lib/server/audit/get-latest-checkpoint";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({ permission: "audit.verify", handler: () => getLatestCheckpoint() });
