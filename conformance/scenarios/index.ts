import type { Scenario } from '../scenario.js';
import { authScenarios } from './auth-scenarios.js';
import { dataShapeScenarios } from './data-shape-scenarios.js';
import { detectionScenarios } from './detection-scenarios.js';
import { multiRunScenarios } from './multi-run-scenarios.js';
import { paginatorScenarios } from './paginator-scenarios.js';
import { resourceScenarios } from './resource-scenarios.js';

/** Every scenario, in report order. */
export const scenarios: Scenario[] = [
  ...paginatorScenarios,
  ...detectionScenarios,
  ...authScenarios,
  ...resourceScenarios,
  ...dataShapeScenarios,
  ...multiRunScenarios,
];
