import type { components, Routes } from './contract.gen';

/**
 * Names for the contract's shapes, all taken from the generated declaration (contract.gen.ts, made
 * from the server's route declarations by `npm run sdk:contract`): nothing here restates a field.
 */

export type RouteName = keyof Routes;
type Operation<K extends RouteName> = Routes[K];
type Parameters<K extends RouteName> = Operation<K>['parameters'];

/** What `call(route, input)` sends: path `params`, `query` and JSON `body`, each where the route has one. */
export type CallInput<K extends RouteName> = {
  [F in keyof Parameters<K> as F extends 'path'
    ? 'params'
    : F extends 'query'
      ? 'query'
      : never]: Parameters<K>[F];
} & (Operation<K> extends { requestBody: { content: { 'application/json': infer B } } }
  ? { body: B }
  : { body?: never });

/** The JSON body a route sends (`never` for a route without one). */
export type CallBody<K extends RouteName> =
  Operation<K> extends {
    requestBody: { content: { 'application/json': infer B } };
  }
    ? B
    : never;

/** The query a route accepts. */
export type CallQuery<K extends RouteName> = NonNullable<Parameters<K>['query']>;

type Success<R> = R[Extract<keyof R, 200 | 201 | 204>];
/** What a route answers on success: its JSON body, or `undefined` for a 204. */
export type CallResult<K extends RouteName> =
  Success<Operation<K>['responses']> extends infer S
    ? S extends { content: { 'application/json': infer B } }
      ? B
      : undefined
    : never;

type Schemas = components['schemas'];
export type RunDto = Schemas['Run'];
export type EventDto = Schemas['Event'];
export type EventInput = Schemas['EventInput'];
export type ResultDto = Schemas['Result'];
export type ResultInput = Schemas['ResultInput'];
export type ReportDto = Schemas['Report'];
export type SectionDto = Schemas['Section'];
export type QuotaDto = Schemas['Quota'];
export type UsageWindowDto = Schemas['UsageWindow'];
export type ReservationDto = Schemas['Reservation'];

export type CreateRunInput = CallBody<'createRun'>;
export type UpdateRunInput = CallBody<'updateRun'>;
export type AppendEventsResult = CallResult<'appendEvents'>;
export type CreateReportInput = CallBody<'createReport'>;
export type CreateSectionInput = CallBody<'addSection'>;
export type UpdateReportInput = CallBody<'updateReport'>;
export type PutQuotaInput = CallBody<'putQuota'>;
export type RecordUsageInput = CallBody<'recordUsage'>;
export type RecordUsageResult = CallResult<'recordUsage'>;
export type CreateReservationInput = CallBody<'createReservation'>;
export type ScoreInput = CallBody<'addScores'>['scores'][number];
export type ScoreDto = CallResult<'listScores'>['data'][number];
export type ListScoresQuery = CallQuery<'listScores'>;
export type EvaluatorDto = CallResult<'listEvaluators'>['data'][number];
export type RunEvaluatorInput = CallBody<'runEvaluator'>;
export type RunEvaluatorResult = CallResult<'runEvaluator'>;

/** One page of a list: pass `nextCursor` back as `cursor` for the next one (null after the last). */
export type Page<T> = { data: T[]; nextCursor: string | null };
