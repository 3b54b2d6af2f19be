import { supportedLanguage, type Language } from "../../views/i18n/index.ts";
import type { Account } from "../store/accounts.ts";
import { readCookie } from "./session-cookie.ts";

/** Cookie the page script writes when a visitor picks a language (their choice, not ours). */
export const LANGUAGE_COOKIE = "youmeet_lang";

/**
 * The interface language: the account's setting, else Telegram's language, else (for
 * visitors) their own pick, else the browser's Accept-Language, else English.
 */
export function chooseLanguage(account: Account | null, headers: Headers): Language {
  if (account) {
    const chosen = supportedLanguage(account.language) ?? supportedLanguage(account.telegramLanguage);
    if (chosen) return chosen;
  } else {
    const picked = supportedLanguage(readCookie(headers.get("cookie"), LANGUAGE_COOKIE));
    if (picked) return picked;
  }
  return fromAcceptLanguage(headers.get("accept-language")) ?? "en";
}

/** The best supported language of an Accept-Language header, by q-value. */
export function fromAcceptLanguage(header: string | null): Language | null {
  if (!header) return null;
  const ranked = header
    .slice(0, 512)
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag ?? "", q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    const language = supportedLanguage(entry.tag);
    if (language) return language;
  }
  return null;
}
