import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import { consentLine } from "./login.ts";

/** The page a bot's Web App button opens: the client posts Telegram's initData (which logs in, accepting the policy). */
export function telegramAppPage(ctx: PageContext, policyVersion: string): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: t("tg.title"),
    head: html`<script src="https://telegram.org/js/telegram-web-app.js"></script>`,
    body: html`<section class="card narrow" data-telegram-app>
  <h1>${t("tg.title")}</h1>
  <p data-telegram-status role="status" data-outside="${t("tg.outside")}">${t("tg.working")}</p>
  ${consentLine(ctx, policyVersion)}
</section>`,
  });
}
