import {
  createMonitorBody,
  incidentList,
  listIncidentsQuery,
  monitorList,
  monitorResponse,
  previewMonitorBody,
  previewResponse,
  updateMonitorBody,
} from '../monitors';
import { defineRoute, idParams, writeErrors } from '../route';

const tag = 'Alerts';

export const listMonitors = defineRoute({
  method: 'GET',
  path: '/api/v1/monitors',
  tag,
  summary: "The project's monitors with their state",
  responses: { 200: { description: 'Monitors', schema: monitorList } },
});

export const createMonitor = defineRoute({
  method: 'POST',
  path: '/api/v1/monitors',
  tag,
  summary: 'Add a monitor: a metric over a rolling window compared with a threshold',
  description:
    'Evaluated every 30 s (RUNLEDGER_MONITOR_INTERVAL_SECONDS); each state change is an incident and a `monitor.firing` or `monitor.resolved` event to every destination.',
  body: createMonitorBody,
  responses: { 201: { description: 'The monitor', schema: monitorResponse } },
  errors: writeErrors,
});

export const previewMonitor = defineRoute({
  method: 'POST',
  path: '/api/v1/monitors/preview',
  tag,
  summary: "A monitor's metric over recent hours, before saving it (nothing is stored)",
  body: previewMonitorBody,
  responses: { 200: { description: 'The series', schema: previewResponse } },
  errors: writeErrors,
});

export const getMonitor = defineRoute({
  method: 'GET',
  path: '/api/v1/monitors/{id}',
  tag,
  summary: 'A monitor with its state',
  params: idParams,
  responses: { 200: { description: 'The monitor', schema: monitorResponse } },
  errors: [404],
});

export const updateMonitor = defineRoute({
  method: 'PATCH',
  path: '/api/v1/monitors/{id}',
  tag,
  summary: 'Change a monitor (the fields given); a changed definition starts again from ok',
  params: idParams,
  body: updateMonitorBody,
  responses: { 200: { description: 'The monitor', schema: monitorResponse } },
  errors: [404, ...writeErrors],
});

export const deleteMonitor = defineRoute({
  method: 'DELETE',
  path: '/api/v1/monitors/{id}',
  tag,
  summary: 'Delete a monitor and its incidents',
  params: idParams,
  responses: { 204: { description: 'Deleted', schema: null } },
  errors: [404],
});

export const listIncidents = defineRoute({
  method: 'GET',
  path: '/api/v1/incidents',
  tag,
  summary: "The project's monitor incidents (state changes), latest first",
  query: listIncidentsQuery,
  responses: { 200: { description: 'Incidents', schema: incidentList } },
});
