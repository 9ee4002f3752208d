"use client";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";

export function SignOutButton({ className = "rounded border border-white/70 px-3 py-1 text-sm" }: { className?: string }) {
  const t = useTranslations("nav");
  return (
    <button type="button" className={className} onClick={() => signOut({ redirectTo: "/sign-in" })}>
      {t("signOut")}
    </button>
  );
}
