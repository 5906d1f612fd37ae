import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSdkContract, SDK_CONTRACT_FILE } from '../../../scripts/lib/sdk-contract';

describe("the SDK package's generated contract", () => {
  it('is what the route declarations generate now (run `npm run sdk:contract` after changing a route)', async () => {
    const committed = readFileSync(SDK_CONTRACT_FILE, 'utf8');
    expect(
      committed === (await renderSdkContract()),
      `${SDK_CONTRACT_FILE} is stale: npm run sdk:contract`,
    ).toBe(true);
  });
});
