#!/usr/bin/env node
// The `orders-ops` executable: registers tsx (no build step) and runs the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
