import { legacyRedirect } from '@/app/_lib/legacy-redirect';

/** An old unscoped link: redirects under its project (see legacyRedirect). */
export const GET = legacyRedirect;
