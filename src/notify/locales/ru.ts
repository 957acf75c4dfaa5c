import type { Locale } from './locale';

/** Russian texts of notifications (`locale: ru`). */
export const ru: Locale = {
  events: {
    opened: 'Открыт инцидент',
    reopened: 'Инцидент открыт повторно',
    resolved: 'Инцидент решён',
    acknowledged: 'Инцидент принят в работу',
    escalated: 'Инцидент эскалирован',
    reminder: 'Напоминание: инцидент ждёт',
    sla_breached: 'Нарушен SLA',
    flapping: 'Инцидент мигает',
  },
  fields: {
    priority: 'Приоритет',
    impact: 'Влияние',
    category: 'Категория',
    healthModel: 'Модель здоровья',
    metric: 'Метрика',
    status: 'Статус',
    line: 'Линия',
    alerts: 'Алерты',
    firing: 'активны',
    opened: 'Открыт',
    resolved: 'Решён',
    slaDue: 'Срок по SLA',
    runbook: 'Инструкция',
    lastTime: 'В прошлый раз',
    link: 'Инцидент',
    affected: 'Затронутые алерты',
    more: (n) => `и ещё ${n}`,
  },
  priorities: { P1: 'P1 критический', P2: 'P2 высокий', P3: 'P3 средний', P4: 'P4 низкий' },
  impacts: { full_outage: 'полная недоступность', partial_outage: 'частичная недоступность', defect: 'работа с дефектами' },
  categories: { infrastructure: 'инфраструктура', software: 'программное обеспечение', content: 'контент', integration: 'интеграция' },
  statuses: { open: 'открыт', acknowledged: 'в работе', resolved: 'решён' },
  alertStatuses: { firing: 'активен', resolved: 'решён' },
};
