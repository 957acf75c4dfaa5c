import { signal } from '@preact/signals';

/** The console's words in English and Russian; the language is remembered in the browser. */
const en = {
  appName: 'incident-bridge',
  queue: 'Queue',
  board: 'Board',
  silences: 'Silences',
  rules: 'Rules',
  reports: 'Reports',
  signIn: 'Sign in',
  signOut: 'Sign out',
  tokenLabel: 'Your token',
  tokenHelp: 'The API token your administrator gave you (people[].token in the config).',
  wrongToken: 'This token is not known.',
  loading: 'Loading…',
  live: 'live',
  offline: 'reconnecting…',
  open: 'open',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  noIncidents: 'Nothing open. All quiet.',
  priority: 'Priority',
  title: 'Title',
  healthModel: 'Health model',
  metric: 'Metric',
  line: 'Line',
  assignee: 'Assignee',
  status: 'Status',
  slaLeft: 'SLA left',
  opened: 'Opened',
  all: 'all',
  nobody: 'nobody',
  acknowledge: 'Acknowledge',
  acknowledgeSelected: 'Acknowledge selected',
  selected: 'selected',
  escalate: 'Escalate',
  assign: 'Assign',
  comment: 'Comment',
  resolve: 'Resolve',
  reopen: 'Reopen',
  pause: 'Pause',
  resume: 'Resume',
  prioritize: 'Change priority',
  note: 'Note',
  reason: 'Reason',
  public: 'Tell the customer',
  send: 'Send',
  cancel: 'Cancel',
  breached: 'breached',
  met: 'met',
  paused: 'paused',
  response: 'Response',
  resolution: 'Resolution',
  due: 'due',
  left: 'left',
  late: 'late',
  alerts: 'Alerts',
  timeline: 'Timeline',
  notifications: 'Notifications',
  resend: 'Resend',
  similar: 'Similar past resolutions',
  runbook: 'Runbook',
  customer: 'Customer',
  category: 'Category',
  impact: 'Impact',
  suppressed: 'suppressed',
  flapping: 'flapping',
  shortcuts: 'Keys: j/k next/previous, a acknowledge, e escalate, o or Enter open, x select, / filter',
  back: 'Back to the queue',
  healthy: 'healthy',
  degraded: 'degraded',
  down: 'down',
  newSilence: 'New silence',
  matchers: 'Matchers (one per line, e.g. instance="db-1:9100")',
  duration: 'Duration (e.g. 2h)',
  expire: 'Expire',
  starts: 'Starts',
  ends: 'Ends',
  createdBy: 'Created by',
  maintenance: 'Maintenance windows',
  name: 'Name',
  maintenanceHint: 'From the config file; shown here as they stand now.',
  covers: 'Covers',
  schedule: 'When',
  nextWindow: 'Next',
  noMaintenance: 'No maintenance windows configured.',
  rulesLoaded: 'Rules loaded',
  reloadErrors: 'Reload errors',
  noErrors: 'No errors: the rules in force are the files on disk.',
  explain: 'Explain a payload',
  explainHelp: 'Paste a webhook body; see what the rules make of it, without storing anything.',
  source: 'Source',
  from: 'From',
  to: 'To',
  timezone: 'Time zone',
  groupBy: 'Group by',
  show: 'Show',
  downloadCsv: 'Download CSV',
  incidents: 'Incidents',
  mtta: 'MTTA',
  mttr: 'MTTR',
  withinResponse: 'Response within SLA',
  withinResolution: 'Resolution within SLA',
  total: 'Total',
  language: 'Русский',
  error: 'Something went wrong',
  notFound: 'No such incident.',
} as const;

export type Words = Record<keyof typeof en, string>;

const ru: Words = {
  appName: 'incident-bridge',
  queue: 'Очередь',
  board: 'Панель',
  silences: 'Тишина',
  rules: 'Правила',
  reports: 'Отчёты',
  signIn: 'Войти',
  signOut: 'Выйти',
  tokenLabel: 'Ваш токен',
  tokenHelp: 'Токен API, выданный администратором (people[].token в конфигурации).',
  wrongToken: 'Такой токен неизвестен.',
  loading: 'Загрузка…',
  live: 'онлайн',
  offline: 'переподключение…',
  open: 'открыт',
  acknowledged: 'принят',
  resolved: 'решён',
  noIncidents: 'Открытых инцидентов нет.',
  priority: 'Приоритет',
  title: 'Название',
  healthModel: 'Модель здоровья',
  metric: 'Метрика',
  line: 'Линия',
  assignee: 'Исполнитель',
  status: 'Статус',
  slaLeft: 'До срока SLA',
  opened: 'Открыт',
  all: 'все',
  nobody: 'никто',
  acknowledge: 'Принять',
  acknowledgeSelected: 'Принять выбранные',
  selected: 'выбрано',
  escalate: 'Эскалировать',
  assign: 'Назначить',
  comment: 'Комментарий',
  resolve: 'Решить',
  reopen: 'Переоткрыть',
  pause: 'Приостановить',
  resume: 'Возобновить',
  prioritize: 'Сменить приоритет',
  note: 'Примечание',
  reason: 'Причина',
  public: 'Сообщить клиенту',
  send: 'Отправить',
  cancel: 'Отмена',
  breached: 'нарушен',
  met: 'выполнен',
  paused: 'приостановлен',
  response: 'Реакция',
  resolution: 'Решение',
  due: 'срок',
  left: 'осталось',
  late: 'просрочка',
  alerts: 'Алерты',
  timeline: 'Хронология',
  notifications: 'Уведомления',
  resend: 'Отправить снова',
  similar: 'Похожие прошлые решения',
  runbook: 'Инструкция',
  customer: 'Клиент',
  category: 'Категория',
  impact: 'Влияние',
  suppressed: 'подавлен',
  flapping: 'мерцает',
  shortcuts: 'Клавиши: j/k следующий/предыдущий, a принять, e эскалировать, o или Enter открыть, x выбрать, / фильтр',
  back: 'К очереди',
  healthy: 'в норме',
  degraded: 'деградация',
  down: 'недоступно',
  newSilence: 'Новая тишина',
  matchers: 'Условия (по одному в строке, например instance="db-1:9100")',
  duration: 'Длительность (например 2h)',
  expire: 'Завершить',
  starts: 'Начало',
  ends: 'Конец',
  createdBy: 'Кто создал',
  maintenance: 'Окна обслуживания',
  name: 'Название',
  maintenanceHint: 'Из файла конфигурации; здесь показано их состояние сейчас.',
  covers: 'Что покрывает',
  schedule: 'Когда',
  nextWindow: 'Следующее',
  noMaintenance: 'Окон обслуживания в конфигурации нет.',
  rulesLoaded: 'Правила загружены',
  reloadErrors: 'Ошибки перезагрузки',
  noErrors: 'Ошибок нет: действуют правила из файлов.',
  explain: 'Разобрать payload',
  explainHelp: 'Вставьте тело вебхука и посмотрите, что с ним сделают правила, ничего не сохраняя.',
  source: 'Источник',
  from: 'С',
  to: 'По',
  timezone: 'Часовой пояс',
  groupBy: 'Группировать по',
  show: 'Показать',
  downloadCsv: 'Скачать CSV',
  incidents: 'Инциденты',
  mtta: 'MTTA',
  mttr: 'MTTR',
  withinResponse: 'Реакция в срок SLA',
  withinResolution: 'Решение в срок SLA',
  total: 'Итого',
  language: 'English',
  error: 'Что-то пошло не так',
  notFound: 'Такого инцидента нет.',
};

type Lang = 'en' | 'ru';
const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('incident-bridge.lang');
export const lang = signal<Lang>(stored === 'ru' || stored === 'en' ? stored : navigator.language.startsWith('ru') ? 'ru' : 'en');

/** The words of the current language. */
export function t(): Words {
  return lang.value === 'ru' ? ru : en;
}

export function toggleLanguage(): void {
  lang.value = lang.value === 'ru' ? 'en' : 'ru';
  localStorage.setItem('incident-bridge.lang', lang.value);
  document.documentElement.lang = lang.value;
}

/** A duration for people: `1 h 05 min`, `4 min 10 s`, `12 s` (negative: the same, the caller says late). */
export function span(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const ru = lang.value === 'ru';
  const [dd, hh, mm, ss] = ru ? ['д', 'ч', 'мин', 'с'] : ['d', 'h', 'min', 's'];
  if (d > 0) return `${d} ${dd} ${h} ${hh}`;
  if (h > 0) return `${h} ${hh} ${String(m).padStart(2, '0')} ${mm}`;
  if (m > 0) return `${m} ${mm} ${String(sec).padStart(2, '0')} ${ss}`;
  return `${sec} ${ss}`;
}

/**
 * A time in the browser's zone as `YYYY-MM-DD HH:MM`, without Intl: the queue's tooltips draw
 * dozens at once, and the first Intl formatter of a page costs tens of milliseconds.
 */
export function shortWhen(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** One formatter per language, made once: making one costs far more than formatting with it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A time for people, in the browser's zone (an ISO string or epoch milliseconds). */
export function when(time: string | number | null | undefined): string {
  if (time === null || time === undefined || time === '') return '—';
  const locale = lang.value === 'ru' ? 'ru-RU' : 'en-GB';
  let format = formatters.get(locale);
  if (format === undefined) formatters.set(locale, (format = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' })));
  return format.format(new Date(time));
}
