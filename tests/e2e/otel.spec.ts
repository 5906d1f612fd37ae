import { genAiAgentTrace, memoryTracer, toJson } from '../helpers/otel';
import { createApiKeyInUi, expect, test, inDemo } from './helpers';

test('a trace sent over OTLP replays as a conversation', async ({ authedPage: page, request }) => {
  const key = await createApiKeyInUi(page, `otel e2e ${Date.now()}`);
  const threadId = `otel-e2e-${Date.now()}`;
  const m = memoryTracer();
  genAiAgentTrace(m.tracer, { userId: 'otel-e2e-user', threadId });
  const res = await request.post('/api/v1/otel/v1/traces', {
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    data: Buffer.from(toJson(m.spans())),
  });
  expect(res.status()).toBe(200);
  const list = await request.get(`/api/v1/runs?threadId=${threadId}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const [run] = ((await list.json()) as { data: { id: string; name: string }[] }).data;
  expect(run?.name).toBe('weather-agent');

  await page.goto(inDemo(`/runs/${run!.id}`));
  await expect(page.getByTestId('user-message')).toHaveText('Weather in Paris?');
  const transcript = page.getByTestId('transcript');
  await expect(transcript).toContainText('It is 21 °C in Paris.');
  await expect(transcript).toContainText('getWeather');
  await expect(transcript).toContainText('I should look it up.');
  // The agent's `start` comes before its first model call's user turn: no empty bubble above the question.
  await expect(transcript).not.toContainText('(no content)');
  await expect(transcript.locator('li').first()).toContainText('Weather in Paris?');
});
