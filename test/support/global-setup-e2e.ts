/**
 * jest globalSetup of the e2e lane (jest.config.js): the shared template
 * (test/support/global-setup.ts), and the web client built once for the run when web/dist is
 * missing or older than its sources (local/web.ts `buildWeb`, what `npm start` does), before
 * any browser test file starts — instead of each browser file building it in its own
 * beforeAll, several at once when they start side by side. Rejects with Vite's output when
 * the build fails.
 */
import { buildWeb } from '../../local/web';
import globalSetup from './global-setup';

export default async function e2eGlobalSetup(): Promise<void> {
  globalSetup();
  await buildWeb();
}
