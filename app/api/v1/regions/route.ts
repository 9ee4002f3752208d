import { allRegions } from "@/lib/server/regions/region-names";
import { inScope } from "@/lib/server/regions/scope";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "pensioners.read",
  handler: async ({ actor }) => {
    const all = await allRegions();
    return all.filter((r) => inScope(r.code, actor.regions) || actor.regions.some((s) => s.startsWith(r.code)));
  },
});
