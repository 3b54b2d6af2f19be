import type { PageContext } from "../context.ts";
import { fillHtml, html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";

/** Which login ways the server offers, and where Telegram sends the user back. */
export interface LoginOptions {
  telegram: boolean;
  botUsername: string | null;
  dev: boolean;
  authUrl: string;
  /** The privacy policy version that logging in accepts. */
  policyVersion: string;
}

/** The login page: Telegram's widget, dev login, or how to set up a bot. */
export function loginPage(ctx: PageContext, options: LoginOptions, error?: { message: string }): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: error ? t("login.failed.title") : t("login.title"),
    body: html`<section class="card narrow">
  <h1>${error ? t("login.failed.title") : t("login.title")}</h1>
  ${error ? html`<p class="alert error" role="alert">${error.message}</p>` : ""}
  <p>${t("login.lead")}</p>
  ${options.telegram && options.botUsername ? telegramWidget(ctx, options.botUsername, options.authUrl) : ""}
  ${options.dev ? devLoginForm(ctx) : ""}
  ${!options.telegram && !options.dev ? setupHelp(ctx) : ""}
  ${options.telegram || options.dev ? consentLine(ctx, options.policyVersion) : ""}
</section>`,
  });
}

function telegramWidget(ctx: PageContext, botUsername: string, authUrl: string): SafeHtml {
  // Redirect mode: Telegram sends the signed fields to data-auth-url, so no inline script.
  return html`<div class="telegram-login">
  <script async src="https://telegram.org/js/telegram-widget.js?23" data-telegram-login="${botUsername}"
    data-size="large" data-userpic="true" data-request-access="false" data-lang="${ctx.lang}"
    data-auth-url="${authUrl}"></script>
</div>`;
}

function devLoginForm(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return html`<form method="post" action="/auth/dev" class="stack dev-login">
  <h2>${t("login.dev.title")}</h2>
  <p class="hint">${t("login.dev.hint")}</p>
  <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
  <label>${t("login.dev.name")}
    <input name="name" required maxlength="64" autocomplete="nickname" autofocus>
  </label>
  <button type="submit" class="button primary">${t("login.dev.submit")}</button>
</form>`;
}

function setupHelp(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return html`<div class="alert info">
  <h2>${t("login.setup.title")}</h2>
  <p>${t("login.setup.body")}</p>
  <p>${t("login.setup.dev")}</p>
</div>`;
}

/** "Logging in accepts the privacy policy", linked, with the version in force, next to the login button. */
export function consentLine(ctx: PageContext, policyVersion: string): SafeHtml {
  const link = html`<a href="/privacy">${ctx.t("login.consent.link")}</a>`;
  return html`<p class="hint consent" data-policy-version="${policyVersion}">${fillHtml(ctx.t("login.consent", { version: policyVersion }), { privacy: link })}</p>`;
}
