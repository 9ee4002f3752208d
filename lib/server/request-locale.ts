import type { NextRequest } from "next/server";
import { LOCALE_COOKIE, defaultLocale, isLocale, type TLocale } from "../i18n/locales";

/** The reader's language: the language switch's cookie, else Accept-Language's first known language. */
export function requestLocale(request: NextRequest): TLocale {
  const c = request.cookies.get(LOCALE_COOKIE)?.value;
  if (c && isLocale(c)) return c;
  for (const part of (request.headers.get("accept-language") ?? "").split(",")) {
    const tag = part.split(";")[0]!.trim().toLowerCase();
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return defaultLocale;
}
