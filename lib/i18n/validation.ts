import { createTranslator } from "use-intl/core";
import en from "../../messages/en.json" with { type: "json" };
import zh from "../../messages/zh-CN.json" with { type: "json" };
import type { TLocale } from "./locales";

export type TValidationKey = keyof (typeof en)["validation"];
type TParams = Record<string, string | number>;

/**
 * Validation messages travel as codes ("tooLong|{"max":64}") through zod, the API and the import
 * report, and become words only in the reader's language (localizeMessage).
 */
export function vmsg(key: TValidationKey, params?: TParams): string {
  return params ? `${key}|${JSON.stringify(params)}` : key;
}

const translators = {
  en: createTranslator({ locale: "en", messages: en, namespace: "validation" }),
  "zh-CN": createTranslator({ locale: "zh-CN", messages: zh, namespace: "validation" }),
};

/** Turns a message code into words; text that is not a code (zod's own) passes through unchanged. */
export function localizeMessage(encoded: string, locale: TLocale): { code: string | null; message: string } {
  const bar = encoded.indexOf("|");
  const key = bar < 0 ? encoded : encoded.slice(0, bar);
  if (!(key in en.validation)) return { code: null, message: encoded };
  let params: TParams | undefined;
  try {
    params = bar < 0 ? undefined : (JSON.parse(encoded.slice(bar + 1)) as TParams);
  } catch {
    params = undefined;
  }
  return { code: key, message: translators[locale](key as TValidationKey, params) };
}

/** The title of a problem+json answer for an error code, in the reader's language. */
export function problemTitle(code: string, locale: TLocale): string {
  const titles = (locale === "en" ? en : zh).problem as Record<string, string>;
  return titles[code] ?? titles.INTERNAL!;
}
