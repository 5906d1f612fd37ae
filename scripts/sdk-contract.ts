import { writeFileSync } from 'node:fs';
import { renderSdkContract, SDK_CONTRACT_FILE } from './lib/sdk-contract';

writeFileSync(SDK_CONTRACT_FILE, await renderSdkContract());
console.log(`wrote ${SDK_CONTRACT_FILE}`);
