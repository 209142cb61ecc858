// Marks the build as fresh; bin/ggzy.js rebuilds when a source file is newer.
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../dist/.build-stamp', import.meta.url), new Date().toISOString());
