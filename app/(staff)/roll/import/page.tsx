import { ImportPanel } from "@/components/officer/import-panel";
import { requirePagePermission } from "@/lib/auth/current-user";
import { ROLL_COLUMNS } from "@/lib/server/imports/roll-csv";

export default async function ImportPage() {
  await requirePagePermission("roll.import");
  return <ImportPanel columns={ROLL_COLUMNS.map((c) => c[1]).join(",")} />;
}
