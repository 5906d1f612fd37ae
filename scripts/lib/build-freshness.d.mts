export const BUILD_STAMP: string;
export const BUILD_INPUTS: string[];
export function buildIsCurrent(root?: string): boolean;
