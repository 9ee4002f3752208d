import { getLocale } from "next-intl/server";
import { DevicesPanel } from "@/components/admin/devices-panel";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { listKioskDevices } from "@/lib/server/kiosk/list-kiosk-devices";
import { countyOptions } from "@/lib/server/regions/county-options";

export default async function DevicesPage() {
  const user = await requirePagePermission("devices.manage");
  const locale = await getLocale();
  const initial = await listKioskDevices(actorOf(user), { page: 1, pageSize: 25 });
  return <DevicesPanel initial={initial} regionOptions={await countyOptions(user.regions, locale)} />;
}
