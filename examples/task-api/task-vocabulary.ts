/**
 * The words generated tasks are made of. The unusual entries are there on purpose: accents and CJK
 * (multi-byte UTF-8), emoji with ZWJ sequences (surrogate pairs), embedded quotes and backslashes
 * (JSON escaping and SQL quoting), a newline and an empty string (empty is not null).
 */
import type { TaskAssignee } from './task-types.js';

export const TASK_VERBS = ['Fix', 'Review', 'Update', 'Write', 'Refactor', 'Deploy', 'Investigate', 'Plan'];

export const TASK_OBJECTS = [
  'login flow',
  'billing export',
  'search index',
  'onboarding emails',
  'API docs',
  'CSV import',
  'nightly backup',
  'release notes',
];

export const FANCY_TASK_NAMES = [
  'Überprüfung der Rechnungen',
  'Résumé für Zoë prüfen',
  '修复登录问题',
  'データ移行のレビュー',
  '🚀 Launch checklist',
  'Fix 🐛 in CSV export',
  '👩‍💻 Pairing session with ops',
  'Ship the "quick" fix',
  'Clean up C:\\temp\\exports',
  'Escape \\" in "JSON" paths',
  "Answer O'Brien's question",
];

export const DESCRIPTIONS = [
  'Steps to reproduce are in the linked ticket.',
  'Needs sign-off from finance before release.\nSee the thread from Monday.',
  'Customer reported: "export hangs at 99%".',
  'Räume die alten Einträge auf, bevor wir migrieren.',
  '見積もりを更新する',
  'Keep the backslashes in C:\\data\\in when copying.',
  '',
  'Pair with 👩‍💻 on Tuesday, bring ☕.',
];

export const TAGS = ['backend', 'frontend', 'bug', 'ux', 'urgent', 'db', 'api', 'docs', 'i18n'];

export const SUBTASK_TITLES = [
  'Write a failing test',
  'Draft the change',
  'Ask for review',
  'Update the changelog',
  'Übersetzung prüfen',
  '确认需求',
  'Deploy to staging 🚦',
];

/** A stable roster, so that one person always has the same id, name and email. */
export const PEOPLE: readonly TaskAssignee[] = [
  { id: 1, name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: 2, name: 'Zoë Müller', email: 'zoe.mueller@example.com' },
  { id: 3, name: '李伟', email: 'li.wei@example.com' },
  { id: 4, name: 'José García', email: 'jose.garcia@example.com' },
  { id: 5, name: "Siobhán O'Brien", email: 'siobhan@example.com' },
  { id: 6, name: 'Grace Hopper', email: 'grace@example.com' },
  { id: 7, name: 'Håkon Ødegård', email: 'hakon@example.org' },
  { id: 8, name: 'Priya Nair', email: 'priya@example.org' },
];
