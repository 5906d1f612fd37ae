import { noEndpoint } from '../_lib/route';

export const GET = noEndpoint;
export const HEAD = noEndpoint;
export const POST = noEndpoint;
export const PUT = noEndpoint;
export const PATCH = noEndpoint;
export const DELETE = noEndpoint;
export const OPTIONS = noEndpoint;
