import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import type { MessageKey } from "../i18n/index.ts";
import { layout } from "../layout.ts";

/** A call as one of its two people sees it. */
export interface CallItem {
  id: string;
  state: "ringing" | "accepted" | "declined" | "missed" | "cancelled";
  direction: "outgoing" | "incoming";
  peerName: string;
  /** Set once the call is accepted (and for the caller from the start). */
  roomUrl: string | null;
}

const ENDED_TEXT: Record<CallItem["direction"], Record<Exclude<CallItem["state"], "ringing">, MessageKey>> = {
  outgoing: { accepted: "call.accepted", declined: "call.declined", missed: "call.missed", cancelled: "call.cancelled" },
  incoming: {
    accepted: "call.accepted.incoming",
    declined: "call.declined.incoming",
    missed: "call.missed.incoming",
    cancelled: "call.cancelled.incoming",
  },
};

/**
 * The call's panel: the callee's incoming banner (Accept / Decline), or the caller's status
 * (ringing with Cancel, then accepted, declined, not answered or cancelled). Empty for a
 * callee whose call ended while `live` (pages drop the banner then).
 */
export function callPanel(ctx: PageContext, call: CallItem, options: { live: boolean; error?: string }): SafeHtml {
  const { t } = ctx;
  if (options.live && call.direction === "incoming" && call.state !== "ringing" && !options.error) return html``;
  const name = { name: call.peerName };
  const action = (verb: string, label: string, primary: boolean) =>
    html`<form method="post" action="/calls/${call.id}/${verb}" hx-post="/calls/${call.id}/${verb}" hx-target="#call-${call.id}" hx-swap="outerHTML">
      <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
      <button type="submit" class="button${primary ? " primary" : ""} call-${verb}">${label}</button>
    </form>`;
  let body: SafeHtml;
  if (call.state === "ringing" && call.direction === "incoming") {
    body = html`<p class="call-text" role="alert">${t("call.incoming", name)}</p>
    <div class="call-actions">${action("accept", t("call.accept"), true)}${action("decline", t("call.decline"), false)}</div>`;
  } else if (call.state === "ringing") {
    body = html`<p class="call-text" role="status">${t("call.ringing", name)}</p>
    <div class="call-actions">${action("cancel", t("call.cancel"), false)}</div>`;
  } else {
    const join = call.state === "accepted" && call.roomUrl ? html`<a class="button primary call-join" href="${call.roomUrl}">${t("call.join")}</a>` : "";
    const dismiss = options.live ? html`<button type="button" class="button" data-dismiss-call>${t("call.dismiss")}</button>` : "";
    body = html`<p class="call-text" role="status">${t(ENDED_TEXT[call.direction][call.state], name)}</p>
    <div class="call-actions">${join}${dismiss}</div>`;
  }
  return html`<div class="call-panel ${call.direction}" id="call-${call.id}" data-call-id="${call.id}" data-state="${call.state}">
    ${body}
    ${options.error ? html`<p class="alert error" role="alert">${options.error}</p>` : ""}
  </div>`;
}

/** The call as its own page, for browsers without scripts: it reloads itself while ringing. */
export function callPage(ctx: PageContext, call: CallItem, error?: string): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: t("call.title"),
    head: call.state === "ringing" ? html`<meta http-equiv="refresh" content="2">` : undefined,
    body: html`<h1>${t("call.title")}</h1>
${callPanel(ctx, call, { live: false, error })}
<p><a href="/dashboard">${t("call.back")}</a></p>`,
  });
}

/** The settings form for who may ring you; `saved` shows the confirmation after a post. */
export function callSettingsForm(ctx: PageContext, anyone: boolean, saved: boolean): SafeHtml {
  const { t } = ctx;
  const choice = (value: string, label: string, checked: boolean) =>
    html`<label class="choice"><input type="radio" name="from" value="${value}"${checked ? html` checked` : ""}> ${label}</label>`;
  return html`<form id="call-settings" method="post" action="/settings/calls" class="stack card" hx-post="/settings/calls" hx-target="this" hx-swap="outerHTML">
  <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
  <fieldset>
    <legend>${t("settings.calls")}</legend>
    ${choice("contacts", t("settings.calls.contacts"), !anyone)}
    ${choice("anyone", t("settings.calls.anyone"), anyone)}
  </fieldset>
  <p class="hint">${t("settings.calls.hint")}</p>
  <button type="submit" class="button primary">${t("settings.save")}</button>
  ${saved ? html`<p class="alert success" role="status">${t("settings.saved")}</p>` : ""}
</form>`;
}
