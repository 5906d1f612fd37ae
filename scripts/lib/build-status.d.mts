export const BUILD_STATUS_ENV: string;
export function writeBuildStatus(file: string, ok: boolean): void;
export function buildFinished(): Promise<void>;
