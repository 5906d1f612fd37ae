import { defineRoute, idParams, writeErrors } from '../route';
import {
  addScoresBody,
  addScoresResponse,
  deleteScoreConfigQuery,
  listScoresQuery,
  putScoreConfigBody,
  scoreConfigList,
  scoreConfigResponse,
  scorePage,
} from '../scores';

const tag = 'Scores';

export const addScores = defineRoute({
  method: 'POST',
  path: '/api/v1/scores',
  tag,
  summary: 'Score runs, steps or dataset results (1..1000 per call)',
  description:
    'A score naming a config is checked against it (range, labels): any invalid score is a 400 and nothing is stored. The same id with the same content is a duplicate; with other content a 409. A run or result the key cannot see is a 404.',
  body: addScoresBody,
  responses: {
    200: { description: 'How many were stored and how many were retries', schema: addScoresResponse },
  },
  errors: [404, 409, ...writeErrors],
});

export const listScores = defineRoute({
  method: 'GET',
  path: '/api/v1/scores',
  tag,
  summary: 'List scores, newest first, in keyset pages',
  query: listScoresQuery,
  responses: { 200: { description: 'A page of scores', schema: scorePage } },
});

export const deleteScore = defineRoute({
  method: 'DELETE',
  path: '/api/v1/scores/{id}',
  tag,
  summary: 'Delete a score',
  params: idParams,
  responses: { 204: { description: 'Deleted', schema: null } },
  errors: [404],
});

export const putScoreConfig = defineRoute({
  method: 'PUT',
  path: '/api/v1/score-configs',
  tag,
  summary: 'Create or replace a score config (upsert on name)',
  body: putScoreConfigBody,
  responses: { 200: { description: 'The config', schema: scoreConfigResponse } },
  errors: writeErrors,
});

export const listScoreConfigs = defineRoute({
  method: 'GET',
  path: '/api/v1/score-configs',
  tag,
  summary: "The project's score configs, by name",
  responses: { 200: { description: 'Configs', schema: scoreConfigList } },
});

export const deleteScoreConfig = defineRoute({
  method: 'DELETE',
  path: '/api/v1/score-configs',
  tag,
  summary: 'Delete the score config of a name (its scores stay)',
  query: deleteScoreConfigQuery,
  responses: { 204: { description: 'Deleted', schema: null } },
  errors: [404],
});
