/**
 * Escape-by-default HTML templates. Every interpolated value is escaped unless it is
 * already SafeHtml; raw markup needs the explicit, visible `trustedHtml()` call.
 */

/** Markup that is already safe to insert as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  /** The markup as a string. */
  toString(): string {
    return this.value;
  }
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for an HTML body or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${name}</p>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Escapes `text` and puts markup where it says `{name}` (a link inside a translated sentence). */
export function fillHtml(text: string, parts: Record<string, SafeHtml>): SafeHtml {
  const fill = (piece: string) => (/^\{\w+\}$/.test(piece) ? parts[piece.slice(1, -1)]?.value : undefined) ?? escapeHtml(piece);
  return new SafeHtml(text.split(/(\{\w+\})/).map(fill).join(""));
}

/** Marks a string as trusted markup. Only for markup we wrote ourselves. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
