import { contactsEn, contactsRu } from "./contacts.ts";
import { dashboardEn, dashboardRu } from "./dashboard.ts";
import { en, type MessageKey as CoreKey } from "./en.ts";
import { myDataEn, myDataRu } from "./my-data.ts";
import { feedbackEn, feedbackRu } from "./feedback.ts";
import { plansEn, plansRu } from "./plans.ts";
import { ru } from "./ru.ts";

/** Interface languages youmeet speaks. */
export const LANGUAGES = ["en", "ru"] as const;
export type Language = (typeof LANGUAGES)[number];
/** A key of the interface texts (the dictionaries are split by area, merged here). */
export type MessageKey = CoreKey | keyof typeof dashboardEn | keyof typeof myDataEn | keyof typeof feedbackEn | keyof typeof plansEn | keyof typeof contactsEn;

/** Native names, for language pickers. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", ru: "Русский" };

const ENGLISH: Record<MessageKey, string> = { ...en, ...dashboardEn, ...myDataEn, ...feedbackEn, ...plansEn, ...contactsEn };
const DICTIONARIES: Record<Language, Record<MessageKey, string>> = {
  en: ENGLISH,
  ru: { ...ru, ...dashboardRu, ...myDataRu, ...feedbackRu, ...plansRu, ...contactsRu },
};

/** Looks up a text and fills `{name}` placeholders. */
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A translator for one language. */
export function translator(language: Language): Translate {
  const dictionary = DICTIONARIES[language];
  return (key, vars) => {
    const text = dictionary[key] ?? ENGLISH[key];
    return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole)) : text;
  };
}

/** Whether `key` names an interface text (e.g. a translated error message for a code). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ENGLISH, key);
}

/** The supported language for a tag like "ru-RU", or null. */
export function supportedLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(primary ?? "") ? (primary as Language) : null;
}
