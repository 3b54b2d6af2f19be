import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";

/** An error page: a title, a plain sentence, and the way back. */
export function errorPage(ctx: PageContext, error: { title: string; message: string }): SafeHtml {
  return layout(ctx, { title: error.title, body: errorFragment(ctx, error) });
}

/** The same error as a fragment, for htmx requests. */
export function errorFragment(ctx: PageContext, error: { title: string; message: string }): SafeHtml {
  return html`<section class="card narrow error-page" role="alert">
  <h1>${error.title}</h1>
  <p>${error.message}</p>
  <p><a class="button" href="/">${ctx.t("error.home")}</a></p>
</section>`;
}
