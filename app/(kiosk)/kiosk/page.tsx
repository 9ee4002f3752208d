import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { cookies, headers } from "next/headers";
import { KioskApp } from "@/components/kiosk/kiosk-app";
import { LanguageSwitch } from "@/components/ui/language-switch";
import { authenticateKioskDevice, KIOSK_TOKEN_COOKIE } from "@/lib/server/kiosk/authenticate-device";

// Installed from this page, the kiosk runs full screen as an app (public/manifest.webmanifest).
export const metadata: Metadata = { manifest: "/manifest.webmanifest", appleWebApp: { capable: true, title: "资格认证" } };

// Kiosks are devices, not staff: the page opens only for a browser holding an enrolled device token.
export default async function KioskPage() {
  const t = await getTranslations("kiosk");
  const token = (await cookies()).get(KIOSK_TOKEN_COOKIE)?.value ?? (await headers()).get("x-kiosk-token");
  const device = await authenticateKioskDevice(token);
  if (device) return <KioskApp deviceName={device.name} />;
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-8 bg-white p-8 text-center">
      <div className="absolute right-6 top-6"><LanguageSwitch className="text-xl" /></div>
      <h1 className="text-5xl font-bold">{t("title")}</h1>
      <div role="alert" data-testid="kiosk-refused" className="max-w-2xl space-y-4">
        <p className="text-3xl font-semibold text-red-800">{t("refused")}</p>
        <p className="text-2xl">{t("refusedHelp")}</p>
      </div>
    </main>
  );
}
