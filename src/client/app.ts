/**
 * Behaviour of the server-rendered pages, written here instead of inline scripts so the
 * CSP can forbid inline code and eval: CSRF header for htmx, copy buttons, the visitor's
 * language pick, the Telegram Mini App login, and live events (incoming calls).
 */
import { initLiveEvents } from "./calls.ts";
import { initTelegramApp } from "./telegram-app.ts";

const LANGUAGE_KEY = "youmeet.language";
const LANGUAGE_COOKIE = "youmeet_lang";

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}

/** htmx requests carry the form token as a header too (forms also have a hidden field). */
function addCsrfHeader(): void {
  document.addEventListener("htmx:config:request", (event) => {
    const ctx = (event as CustomEvent<{ ctx?: { request?: { headers?: Record<string, string> } } }>).detail?.ctx;
    if (ctx?.request?.headers) ctx.request.headers["X-CSRF-Token"] = csrfToken();
  });
}

/** `data-copy="#selector"` buttons copy that element's text. */
function wireCopyButtons(): void {
  document.addEventListener("click", async (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>("[data-copy]");
    if (!button) return;
    const source = document.querySelector(button.dataset.copy ?? "");
    const text = source instanceof HTMLInputElement ? source.value : (source?.textContent ?? "");
    try {
      await navigator.clipboard.writeText(text.trim());
      const label = button.textContent;
      button.textContent = button.dataset.copiedLabel ?? "Copied";
      setTimeout(() => (button.textContent = label), 1500);
    } catch {
      // Without clipboard permission, select the text so the person can copy it by hand.
      if (source) window.getSelection()?.selectAllChildren(source);
    }
  });
}

/** Visitors' language pick lives in local storage, mirrored to a cookie the server reads. */
function wireLanguagePicker(): void {
  const remember = (language: string) => {
    localStorage.setItem(LANGUAGE_KEY, language);
    document.cookie = `${LANGUAGE_COOKIE}=${encodeURIComponent(language)}; Path=/; Max-Age=31536000; SameSite=Lax`;
  };
  document.addEventListener("change", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement)) return;
    if (select.hasAttribute("data-language-picker")) {
      remember(select.value);
      location.reload();
    } else if (select.hasAttribute("data-remember-language") && select.value !== "auto") {
      remember(select.value);
    }
  });
  // A pick stored before the cookie was cleared: restore the cookie for the next request.
  const stored = localStorage.getItem(LANGUAGE_KEY);
  if (stored && !document.cookie.includes(`${LANGUAGE_COOKIE}=`)) remember(stored);
}

addCsrfHeader();
wireCopyButtons();
wireLanguagePicker();
initTelegramApp(csrfToken);
initLiveEvents();
