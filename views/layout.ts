import type { PageContext } from "./context.ts";
import { html, type SafeHtml } from "./html.ts";
import { LANGUAGES, LANGUAGE_NAMES } from "./i18n/index.ts";
import { policyBanner } from "./policy-banner.ts";

/** The full HTML document around a page's main content. */
export function layout(ctx: PageContext, page: { title: string; body: SafeHtml; head?: SafeHtml }): SafeHtml {
  const { t, viewer } = ctx;
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="csrf-token" content="${ctx.csrfToken}">
${viewer ? html`<meta name="live-events" content="/events">` : ""}
<meta name="color-scheme" content="light dark">
<title>${page.title} · youmeet</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css">
<script src="/static/vendor/htmx.min.js" defer></script>
<script src="/static/app.js" type="module"></script>
${page.head}
</head>
<body>
<a class="skip" href="#main">${t("nav.skip")}</a>
<header class="top">
  <a class="brand" href="${viewer ? "/dashboard" : "/"}"><img src="/static/favicon.svg" alt="" width="28" height="28"> youmeet</a>
  <nav aria-label="main">
    ${
      viewer
        ? html`<a href="/dashboard">${t("nav.dashboard")}</a>
    <a href="/settings">${t("nav.settings")}</a>
    <form method="post" action="/auth/logout" class="inline">
      <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
      <button type="submit" class="link">${t("nav.logout")}</button>
    </form>`
        : html`<a href="/login">${t("nav.login")}</a>`
    }
  </nav>
</header>
${ctx.notice ? html`<div class="notice-banner" role="status"><strong>${t("notice.label")}:</strong> <span dir="auto">${ctx.notice}</span></div>` : ""}
<main id="main">
${policyBanner(ctx)}
${page.body}
</main>
<footer class="bottom">
  <p>${t("footer.text")} <a href="/privacy">${t("nav.privacy")}</a> · <a href="/feedback">${t("nav.feedback")}</a></p>
  ${viewer ? "" : languagePicker(ctx)}
</footer>
</body>
</html>`;
}

/** Visitors choose a language here; the choice lives in local storage and a cookie. */
function languagePicker(ctx: PageContext): SafeHtml {
  return html`<label class="lang-picker">${ctx.t("lang.label")}
    <select data-language-picker>
      ${LANGUAGES.map((code) => html`<option value="${code}"${code === ctx.lang ? html` selected` : ""}>${LANGUAGE_NAMES[code]}</option>`)}
    </select>
  </label>`;
}
