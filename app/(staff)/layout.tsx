import { getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { LanguageSwitch } from "@/components/ui/language-switch";
import { SignOutButton } from "@/components/ui/sign-out-button";
import { requireSignedIn } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";

// Navigation only: each page checks its own permission (a layout is not a guard).
export default async function StaffLayout({ children }: { children: ReactNode }) {
  const user = await requireSignedIn();
  const t = await getTranslations();
  const links = [
    can(user.role, "pensioners.read") && { href: "/roll", label: t("nav.roll") },
    can(user.role, "roll.import") && { href: "/roll/import", label: t("nav.import") },
    can(user.role, "runs.read") && { href: "/runs", label: t("nav.runs") },
    can(user.role, "checks.read") && { href: "/checks", label: t("nav.checks") },
    can(user.role, "cases.read") && { href: "/cases", label: t("nav.cases") },
    can(user.role, "dashboard.read") && { href: "/dashboard", label: t("nav.dashboard") },
    can(user.role, "audit.verify") && { href: "/audit", label: t("nav.audit") },
    can(user.role, "fees.read") && { href: "/fees", label: t("nav.fees") },
    can(user.role, "payments.export") && { href: "/payments", label: t("nav.payments") },
    can(user.role, "users.manage") && { href: "/users", label: t("nav.users") },
    can(user.role, "devices.manage") && { href: "/devices", label: t("nav.devices") },
    can(user.role, "apiTokens.manage") && { href: "/api-tokens", label: t("nav.apiTokens") },
  ].filter((l): l is { href: string; label: string } => !!l);
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only">{t("app.skip")}</a>
      <header className="bg-brand-700 text-white print:hidden">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-3">
          <span className="text-lg font-bold">{t("app.short")}</span>
          <nav className="flex flex-wrap gap-3" aria-label="main">
            {links.map((l) => (
              <Link key={l.href} href={l.href} className="rounded px-2 py-1 hover:bg-white/15">
                {l.label}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <Link href="/account" data-testid="whoami" className="rounded px-2 py-1 underline-offset-2 hover:bg-white/15 hover:underline" title={t("nav.account")}>
              {user.displayName} · {t(`role.${user.role}`)}
            </Link>
            <LanguageSwitch />
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 print:max-w-none print:p-0">
        {children}
      </main>
    </div>
  );
}
