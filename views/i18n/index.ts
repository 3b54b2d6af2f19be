import { en, type MessageKey } from "./en.ts";
import { ru } from "./ru.ts";

/** Interface languages youmeet speaks. */
export const LANGUAGES = ["en", "ru"] as const;
export type Language = (typeof LANGUAGES)[number];
export type { MessageKey };

/** Native names, for language pickers. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", ru: "Русский" };

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { en, ru };

/** Looks up a text and fills `{name}` placeholders. */
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A translator for one language. */
export function translator(language: Language): Translate {
  const dictionary = DICTIONARIES[language];
  return (key, vars) => {
    const text = dictionary[key] ?? en[key];
    return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole)) : text;
  };
}

/** The supported language for a tag like "ru-RU", or null. */
export function supportedLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(primary ?? "") ? (primary as Language) : null;
}
