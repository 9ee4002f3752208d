"use client";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { LOCALE_COOKIE } from "@/lib/i18n/locales";

export function LanguageSwitch({ className = "" }: { className?: string }) {
  const t = useTranslations("nav");
  const locale = useLocale();
  const router = useRouter();
  return (
    <button
      type="button"
      className={`rounded border border-current px-3 py-1 text-sm ${className}`}
      lang={locale === "en" ? "zh-CN" : "en"}
      onClick={() => {
        document.cookie = `${LOCALE_COOKIE}=${locale === "en" ? "zh-CN" : "en"}; path=/; max-age=31536000; samesite=lax`;
        router.refresh();
      }}
    >
      {t("language")}
    </button>
  );
}
