import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";

/** A contact as the dashboard lists it. */
export interface ContactItem {
  youmeetId: string;
  name: string;
  username: string | null;
  photoUrl: string | null;
  online: boolean;
}

/** What the last form post on the section said: a confirmation or a refusal. */
export interface SectionNotice {
  kind: "success" | "error";
  text: string;
}

/** The dashboard's contacts section: the add form, a notice, and the list. */
export function contactsSection(ctx: PageContext, contacts: ContactItem[], notice?: SectionNotice, typed = ""): SafeHtml {
  const { t } = ctx;
  return html`<section id="contacts" class="card">
  <h2>${t("contacts.title")}</h2>
  <form method="post" action="/contacts" class="add-contact" hx-post="/contacts" hx-target="#contacts" hx-swap="outerHTML">
    <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
    <label>${t("contacts.add.label")}
      <input name="contact" maxlength="64" value="${typed}" placeholder="${t("contacts.add.placeholder")}" autocomplete="off" autocapitalize="none" spellcheck="false" required>
    </label>
    <button type="submit" class="button primary">${t("contacts.add.submit")}</button>
  </form>
  <p class="hint">${t("contacts.add.hint")}</p>
  ${notice ? html`<p class="alert ${notice.kind}" role="${notice.kind === "error" ? "alert" : "status"}">${notice.text}</p>` : ""}
  ${contactList(ctx, contacts)}
</section>`;
}

/** The list alone: htmx refreshes it every few seconds to show who is online. */
export function contactList(ctx: PageContext, contacts: ContactItem[]): SafeHtml {
  const { t } = ctx;
  return html`<div id="contact-list" hx-get="/contacts/list" hx-trigger="every 15s" hx-swap="outerHTML">
  ${contacts.length === 0 ? html`<p class="hint">${t("contacts.empty")}</p>` : html`<ul class="contacts">${contacts.map((contact) => contactRow(ctx, contact))}</ul>`}
</div>`;
}

function contactRow(ctx: PageContext, contact: ContactItem): SafeHtml {
  const { t } = ctx;
  return html`<li class="contact" data-youmeet-id="${contact.youmeetId}">
  ${contact.photoUrl ? html`<img class="avatar small" src="${contact.photoUrl}" alt="" width="40" height="40" referrerpolicy="no-referrer">` : html`<span class="avatar small initial" aria-hidden="true">${contact.name.slice(0, 1).toUpperCase()}</span>`}
  <div class="contact-main">
    <p class="contact-name">${contact.name}${contact.username ? html` <span class="muted">@${contact.username}</span>` : ""}</p>
    <p class="hint"><code>${contact.youmeetId}</code> · <span class="${contact.online ? "live" : ""}">${contact.online ? t("contacts.online") : t("contacts.offline")}</span></p>
  </div>
  <div class="contact-actions">
    <form method="post" action="/calls" hx-post="/calls" hx-target="#contacts" hx-swap="outerHTML">
      <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
      <input type="hidden" name="youmeetId" value="${contact.youmeetId}">
      <button type="submit" class="button small primary call-contact">${t("contacts.call")}</button>
    </form>
    <form method="post" action="/contacts/${contact.youmeetId}/delete" hx-post="/contacts/${contact.youmeetId}/delete" hx-target="#contacts" hx-swap="outerHTML" hx-confirm="${t("contacts.remove.confirm")}">
      <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
      <button type="submit" class="button small remove-contact">${t("contacts.remove")}</button>
    </form>
  </div>
</li>`;
}
