"use client";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";

export function SignOutButton() {
  const t = useTranslations("nav");
  return (
    <button type="button" className="rounded border border-white/70 px-3 py-1 text-sm" onClick={() => signOut({ redirectTo: "/sign-in" })}>
      {t("signOut")}
    </button>
  );
}
