// Logs a line, waits for its reader to close the pipe, logs on, and exits 0 (for logger.test.ts).
import { createLogger } from '../../../src/log/index.ts';

const log = createLogger({ service: 'broken-stdout' });
log.info('first line');
setTimeout(() => {
  for (let i = 0; i < 100; i++) log.info('after the reader left', { i });
  setTimeout(() => process.exit(0), 200);
}, 500);
