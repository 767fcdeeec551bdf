import { SlackSimulator } from './server';

/**
 * The demo's Slack: a stand-in for the Web API on SLACK_SIM_PORT (7014) accepting the bot token
 * SLACK_SIM_TOKEN (`xoxb-shiplog-demo`); its page at `/` shows each channel's threads.
 */
async function main() {
  const port = Number(process.env.SLACK_SIM_PORT ?? 7014);
  const token = process.env.SLACK_SIM_TOKEN ?? 'xoxb-shiplog-demo';
  const simulator = new SlackSimulator({
    tokens: [token],
    latencyMs: Number(process.env.SLACK_SIM_LATENCY_MS ?? 0),
  });
  const url = await simulator.start(port);
  process.stdout.write(`slack-simulator: ${url}/ (Web API at ${url}/api/)\n`);
  const stop = async () => {
    await simulator.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`slack-simulator: ${error.stack ?? error}\n`);
  process.exit(1);
});
