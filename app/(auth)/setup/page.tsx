import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { SetupSteps } from "@/components/account/setup-steps";
import { LanguageSwitch } from "@/components/ui/language-switch";
import { SignOutButton } from "@/components/ui/sign-out-button";
import { currentUser } from "@/lib/auth/current-user";
import { homeFor } from "@/lib/auth/permissions";

/** Where an account that owes set-up is sent before any other page (lib/auth/current-user.ts). */
export default async function SetupPage() {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (!user.setup) redirect(homeFor(user.role));
  const t = await getTranslations("account");
  return (
    <main className="mx-auto mt-12 max-w-xl rounded-lg bg-white p-8 shadow">
      <div className="mb-6 flex items-start justify-between gap-4">
        <div>
          <p className="text-sm text-slate-600">{user.displayName}</p>
          <h1 className="text-2xl font-bold">{t("setupTitle")}</h1>
        </div>
        <div className="flex items-center gap-3">
          <LanguageSwitch />
          <SignOutButton className="rounded border border-slate-400 px-3 py-1 text-sm" />
        </div>
      </div>
      <p className="mb-4">{user.setup === "password" ? t("setupPassword") : t("setupSecondFactor")}</p>
      <SetupSteps key={user.setup} step={user.setup} startLabel={t("start")} />
    </main>
  );
}
