/**
 * Interface texts for what the meeting script builds at run time. The server renders them
 * (in the page's language, from views/i18n) into the root's data-texts attribute.
 */

let texts: Record<string, string> = {};

/** Reads the texts the page carries; call once at start. */
export function loadTexts(root: HTMLElement): void {
  try {
    texts = JSON.parse(root.dataset.texts ?? "{}") as Record<string, string>;
  } catch {
    texts = {};
  }
}

/** A text by its key (`room.*`) with `{name}` placeholders filled; the key itself if missing. */
export function t(key: string, vars?: Record<string, string | number>): string {
  const text = texts[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole)) : text;
}

/**
 * A server sentence in the page's language: the page's text for `code` (as `error.<code>`)
 * filled with the values the server sent, else the server's own (English) sentence.
 */
export function localized(code: string, message: string, vars?: Readonly<Record<string, string | number>>): string {
  const key = `error.${code}`;
  return vars && key in texts ? t(key, vars) : message;
}
