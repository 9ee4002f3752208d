import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { LanguageSwitch } from "@/components/ui/language-switch";
import { currentUser } from "@/lib/auth/current-user";
import { homeFor } from "@/lib/auth/permissions";
import { DEMO_TOTP_SECRET } from "@/lib/db/demo-accounts";
import { env } from "@/lib/env.js";

export default async function SignInPage() {
  const user = await currentUser();
  if (user) redirect(homeFor(user.role));
  const t = await getTranslations();
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg bg-white p-8 shadow">
      <div className="mb-6 flex items-start justify-between gap-4">
        <div>
          <p className="text-sm text-slate-600">{t("app.title")}</p>
          <h1 className="text-2xl font-bold">{t("signIn.title")}</h1>
        </div>
        <LanguageSwitch />
      </div>
      <SignInForm />
      {env.PENSION_EMBEDDED === "1" && (
        <p className="mt-6 text-sm text-slate-600">
          {t("signIn.demo")}: officer / supervisor / admin — demo-pass-2026
          <br />
          {t("signIn.demoCode", { secret: DEMO_TOTP_SECRET })}
        </p>
      )}
    </main>
  );
}
