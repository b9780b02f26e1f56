import { launch_browser, results, start_server } from './harness.mjs';
import { phone_chat } from './phone_chat.mjs';
const server = await start_server();
const browser = await launch_browser();
try { await phone_chat(browser, server); } finally { await browser.close(); await server.stop(); }
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed ? 1 : 0);
