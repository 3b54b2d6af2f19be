import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { LANGUAGES, LANGUAGE_NAMES, type Language } from "../i18n/index.ts";
import { layout } from "../layout.ts";

/** What the settings form shows: the choices as stored, and how the last post went. */
export interface SettingsState {
  /** The interface language chosen (null: automatic). */
  language: Language | null;
  /** The display name chosen (null: Telegram's name is shown). */
  displayName: string | null;
  /** Telegram's first name, shown when no display name is set. */
  telegramName: string;
  saved: boolean;
  /** Why the last post was refused; the form keeps what was typed. */
  error?: string;
}

/** The settings form; `saved` shows the confirmation after a post. */
export function settingsForm(ctx: PageContext, state: SettingsState): SafeHtml {
  const { t } = ctx;
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ""}>${label}</option>`;
  return html`<form id="settings" method="post" action="/settings" class="stack card" hx-post="/settings" hx-target="this" hx-swap="outerHTML">
  <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
  <label>${t("settings.display_name")}
    <input name="displayName" value="${state.displayName ?? ""}" maxlength="64" placeholder="${state.telegramName}" autocomplete="nickname">
  </label>
  <p class="hint">${t("settings.display_name.hint", { name: state.telegramName })}</p>
  <label>${t("settings.language")}
    <select name="language" data-remember-language>
      ${option("auto", t("lang.auto"), state.language === null)}
      ${LANGUAGES.map((code) => option(code, LANGUAGE_NAMES[code], state.language === code))}
    </select>
  </label>
  <p class="hint">${t("settings.language.hint")}</p>
  <button type="submit" class="button primary">${t("settings.save")}</button>
  ${state.error ? html`<p class="alert error" role="alert">${state.error}</p>` : ""}
  ${state.saved ? html`<p class="alert success" role="status">${t("settings.saved")}</p>` : ""}
</form>`;
}

/** The settings page around the form; `more` holds further settings forms (who may call you); then the way to everything stored about you. */
export function settingsPage(ctx: PageContext, state: SettingsState, more: SafeHtml | string = ""): SafeHtml {
  return layout(ctx, {
    title: ctx.t("settings.title"),
    body: html`<h1>${ctx.t("settings.title")}</h1>${settingsForm(ctx, state)}${more}
<p class="card"><a href="/my-data">${ctx.t("mydata.link")}</a>: ${ctx.t("mydata.link.hint")}</p>`,
  });
}
