import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import type { Language } from "../i18n/index.ts";
import { layout } from "../layout.ts";

/** The retention periods the running server applies, and whom to write to. */
export interface PrivacyFacts {
  retentionInactiveDays: number;
  retentionFeedbackDays: number;
  contactEmail: string | null;
  publicUrl: string;
}

interface PolicyText {
  intro: string;
  keptTitle: string;
  kept: string[];
  neverTitle: string;
  never: string[];
  rightsTitle: string;
  rights: string[];
  retentionTitle: string;
  inactive: (days: number) => string;
  feedback: (days: number) => string;
  sessions: string;
  cookiesTitle: string;
  cookies: string;
  contactTitle: string;
  contact: (email: string | null) => string;
}

const forever = { en: "kept until you delete them", ru: "хранятся, пока вы их не удалите" };

const TEXT: Record<Language, PolicyText> = {
  en: {
    intro: "This youmeet server is run by its operator. This page says what it keeps about you, for how long, and what it never keeps.",
    keptTitle: "What is stored",
    kept: [
      "From Telegram, only what you let Telegram show: your Telegram id, first and last name, @username, profile photo address, interface language, and the region in your language code when there is one.",
      "Your youmeet ID: a random ID of your own (not your Telegram id) that others use to add you as a contact.",
      "Your login sessions: only a fingerprint (SHA-256) of each session token, the browser's name, and when it was last used.",
      "As the service grows: your contacts, your rooms (id, owner, creation date), your plan and how much of its limits you used, and feedback you send (name, email, subject, text).",
    ],
    neverTitle: "What is never stored",
    never: [
      "Audio, video and screen shares are relayed between participants and never recorded. They are encrypted in transit (DTLS-SRTP).",
      "Chat messages are relayed to the people in the call and never written to disk or logs; they are gone when the call ends.",
    ],
    rightsTitle: "Your rights",
    rights: [
      "You can see, correct, export and delete all your data yourself, and withdraw your consent, which deletes your account.",
    ],
    retentionTitle: "How long data is kept",
    inactive: (d) => (d === 0 ? `Accounts are ${forever.en}.` : `Accounts with no login or visit for ${d} days are deleted automatically, with everything that refers to them.`),
    feedback: (d) => (d === 0 ? `Feedback messages are ${forever.en}.` : `Feedback messages are deleted ${d} days after they were sent.`),
    sessions: "Login sessions end after 30 days without use, and at the latest 90 days after login.",
    cookiesTitle: "Cookies and local storage",
    cookies: "Cookies hold only your login session and a form-protection token. Your interface language and camera and microphone choices stay in your browser's local storage.",
    contactTitle: "Contact",
    contact: (email) => (email ? `Write to the operator of this server at ${email}.` : "The operator of this server has not published a contact address."),
  },
  ru: {
    intro: "Этот сервер youmeet работает у его оператора. Здесь сказано, что он хранит о вас, как долго, и чего не хранит никогда.",
    keptTitle: "Что хранится",
    kept: [
      "Из Telegram — только то, что Telegram разрешает показать: id в Telegram, имя и фамилия, @username, адрес фото профиля, язык интерфейса и регион из кода языка, если он есть.",
      "Ваш youmeet ID — случайный идентификатор (не id в Telegram), по которому вас добавляют в контакты.",
      "Сеансы входа: только отпечаток (SHA-256) токена сеанса, название браузера и время последнего использования.",
      "По мере развития сервиса: ваши контакты, комнаты (id, владелец, дата создания), тариф и использование его лимитов, а также отзывы, которые вы отправляете (имя, email, тема, текст).",
    ],
    neverTitle: "Что не хранится никогда",
    never: [
      "Звук, видео и показ экрана только передаются между участниками и никогда не записываются. При передаче они зашифрованы (DTLS-SRTP).",
      "Сообщения чата передаются участникам звонка и никогда не пишутся на диск или в журналы; они исчезают, когда звонок заканчивается.",
    ],
    rightsTitle: "Ваши права",
    rights: ["Вы сами можете посмотреть, исправить, выгрузить и удалить все свои данные и отозвать согласие — тогда аккаунт удаляется."],
    retentionTitle: "Сколько хранятся данные",
    inactive: (d) => (d === 0 ? `Аккаунты ${forever.ru}.` : `Аккаунты, в которые не входили и которые не открывали ${d} дней, удаляются автоматически вместе со всем, что к ним относится.`),
    feedback: (d) => (d === 0 ? `Отзывы ${forever.ru}.` : `Отзывы удаляются через ${d} дней после отправки.`),
    sessions: "Сеанс входа заканчивается после 30 дней без использования и не позже чем через 90 дней после входа.",
    cookiesTitle: "Cookie и локальное хранилище",
    cookies: "В cookie хранятся только сеанс входа и токен защиты форм. Язык интерфейса и выбор камеры и микрофона остаются в локальном хранилище браузера.",
    contactTitle: "Контакты",
    contact: (email) => (email ? `Пишите оператору этого сервера: ${email}.` : "Оператор этого сервера не указал адрес для связи."),
  },
};

/** The privacy policy, stating the retention periods this server applies. */
export function privacyPage(ctx: PageContext, facts: PrivacyFacts): SafeHtml {
  const text = TEXT[ctx.lang];
  const list = (items: string[]) => html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;
  return layout(ctx, {
    title: ctx.t("privacy.title"),
    body: html`<article class="card prose">
  <h1>${ctx.t("privacy.title")}</h1>
  <p>${text.intro}</p>
  <h2>${text.keptTitle}</h2>${list(text.kept)}
  <h2>${text.neverTitle}</h2>${list(text.never)}
  <h2>${text.rightsTitle}</h2>${list(text.rights)}
  <h2>${text.retentionTitle}</h2>
  <ul>
    <li data-retention="inactive">${text.inactive(facts.retentionInactiveDays)}</li>
    <li data-retention="feedback">${text.feedback(facts.retentionFeedbackDays)}</li>
    <li>${text.sessions}</li>
  </ul>
  <h2>${text.cookiesTitle}</h2><p>${text.cookies}</p>
  <h2>${text.contactTitle}</h2>
  <p>${facts.contactEmail ? html`<a href="mailto:${facts.contactEmail}">${text.contact(facts.contactEmail)}</a>` : text.contact(null)}</p>
</article>`,
  });
}
