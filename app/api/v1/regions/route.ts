import { allRegions } from "@/lib/server/regions/region-names";
import { overlapsScope } from "@/lib/server/regions/scope";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "pensioners.read",
  handler: async ({ actor }) => {
    const all = await allRegions();
    return all.filter((r) => overlapsScope(r.code, actor.regions));
  },
});
