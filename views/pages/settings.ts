import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { LANGUAGES, LANGUAGE_NAMES, type Language } from "../i18n/index.ts";
import { layout } from "../layout.ts";

/** The settings form; `saved` shows the confirmation after a post. */
export function settingsForm(ctx: PageContext, chosen: Language | null, saved: boolean): SafeHtml {
  const { t } = ctx;
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ""}>${label}</option>`;
  return html`<form id="settings" method="post" action="/settings" class="stack card" hx-post="/settings" hx-target="this" hx-swap="outerHTML">
  <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
  <label>${t("settings.language")}
    <select name="language" data-remember-language>
      ${option("auto", t("lang.auto"), chosen === null)}
      ${LANGUAGES.map((code) => option(code, LANGUAGE_NAMES[code], chosen === code))}
    </select>
  </label>
  <p class="hint">${t("settings.language.hint")}</p>
  <button type="submit" class="button primary">${t("settings.save")}</button>
  ${saved ? html`<p class="alert success" role="status">${t("settings.saved")}</p>` : ""}
</form>`;
}

/** The settings page around the form; `more` holds further settings forms (who may call you). */
export function settingsPage(ctx: PageContext, chosen: Language | null, saved: boolean, more: SafeHtml | string = ""): SafeHtml {
  return layout(ctx, {
    title: ctx.t("settings.title"),
    body: html`<h1>${ctx.t("settings.title")}</h1>${settingsForm(ctx, chosen, saved)}${more}`,
  });
}
