import type { Language, Translate } from "./i18n/index.ts";

/** What every page needs to know about the request it answers. */
export interface PageContext {
  lang: Language;
  t: Translate;
  csrfToken: string;
  /** The logged-in person, or null for a visitor. */
  viewer: { firstName: string; name: string; youmeetId: string } | null;
  /** The privacy policy version in force, when the logged-in person has not accepted it yet. */
  policyUpdate?: string | null;
  /** The operator's service notice, shown as a banner on every page, or null. */
  notice?: string | null;
}
