/** Texts of the plan and its usage (dashboard) and of a banned login, English. */
export const plansEn = {
  "plan.title": "Your plan: {plan}",
  "plan.month": "This month: {month} (UTC). Call minutes start again on {reset}.",
  "plan.rooms": "Rooms",
  "plan.minutes": "Call minutes this month",
  "plan.participants": "People per call",
  "plan.screen_share": "Screen sharing",
  "plan.used_of": "{used} of {limit}",
  "plan.used_unlimited": "{used} (unlimited)",
  "plan.up_to": "up to {n}",
  "plan.included": "included",
  "plan.not_included": "not included",
  "plan.hint": "Minutes count while a call in one of your rooms has two or more people. The operator of this server sets the plans.",
  "login.banned": "The operator of this server banned your account, so you cannot log in.",
  "login.banned.reason": "The operator of this server banned your account, so you cannot log in. Reason: {reason}",
  "error.room.limit_reached": "Your plan ({plan}) allows {max} rooms; delete one or ask the operator for more.",
} as const;

/** Texts of the plan and its usage (dashboard) and of a banned login, Russian. */
export const plansRu: Record<keyof typeof plansEn, string> = {
  "plan.title": "Ваш тариф: {plan}",
  "plan.month": "Текущий месяц: {month} (UTC). Минуты звонков обнулятся {reset}.",
  "plan.rooms": "Комнаты",
  "plan.minutes": "Минуты звонков в этом месяце",
  "plan.participants": "Участников в звонке",
  "plan.screen_share": "Демонстрация экрана",
  "plan.used_of": "{used} из {limit}",
  "plan.used_unlimited": "{used} (без ограничений)",
  "plan.up_to": "до {n}",
  "plan.included": "включена",
  "plan.not_included": "не включена",
  "plan.hint": "Минуты считаются, пока в звонке в одной из ваших комнат двое или больше участников. Тарифы задаёт администратор этого сервера.",
  "login.banned": "Администратор этого сервера заблокировал ваш аккаунт, поэтому войти нельзя.",
  "login.banned.reason": "Администратор этого сервера заблокировал ваш аккаунт, поэтому войти нельзя. Причина: {reason}",
  "error.room.limit_reached": "Ваш тариф ({plan}) позволяет комнат: {max}. Удалите одну или попросите администратора о большем.",
};
