import type { RouteDecl } from '../route';
import * as annotation from './annotation';
import * as audit from './audit';
import * as destinations from './destinations';
import * as evaluators from './evaluators';
import * as events from './events';
import * as meta from './meta';
import * as monitors from './monitors';
import * as otel from './otel';
import * as project from './project';
import * as reports from './reports';
import * as results from './results';
import * as runs from './runs';
import * as scores from './scores';
import * as usage from './usage';

/**
 * Every API route, by name. A route file serves a declaration with `apiRoute(routes.x, handler)`;
 * the OpenAPI document lists exactly these (tests/unit/api-routes.test.ts checks both directions).
 */
export const routes = {
  ...runs,
  ...events,
  ...results,
  ...scores,
  ...evaluators,
  ...annotation,
  ...destinations,
  ...monitors,
  ...reports,
  ...usage,
  ...project,
  ...audit,
  ...otel,
  ...meta,
};

export const apiRoutes: RouteDecl[] = Object.values(routes);
