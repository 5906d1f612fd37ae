import { createApiKeyInUi, expect, inDemo, test } from './helpers';

test('an owner adds an online evaluator that scores a run as it finishes, and a provider whose key never shows', async ({
  authedPage: page,
  request,
}) => {
  const key = await createApiKeyInUi(page, `evaluators ${Date.now()}`);
  const headers = { authorization: `Bearer ${key}` };
  const name = `says-paris-${Date.now().toString(36)}`;
  await page.goto(inDemo('/evaluators'));

  // A pattern that does not compile is refused at its field, and nothing is added.
  await page.getByLabel("Name (also its scores' name)").fill(`${name}-bad`);
  await page.getByLabel('Type').selectOption('regex');
  await page.getByLabel('Pattern').fill('(');
  await page.getByRole('button', { name: 'Add evaluator' }).click();
  await expect(page.getByText('Not a valid regular expression')).toBeVisible();

  await page.getByLabel('Type').selectOption('contains');
  await page.getByLabel("Name (also its scores' name)").fill(name);
  await page.getByLabel('Online: score finished runs').check();
  await page.getByLabel('Any tag (comma)').fill('e2e-eval');
  await page.getByRole('button', { name: 'Add evaluator' }).click();
  await expect(page.getByRole('status')).toContainText(`Added ${name}`);
  const row = page.getByTestId('evaluators-table').getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('online: tag e2e-eval');
  await expect(page.getByTestId('evaluators-table')).not.toContainText(`${name}-bad`);

  const created = await request.post('/api/v1/runs', {
    headers,
    data: {
      name: 'capital question',
      status: 'succeeded',
      tags: ['e2e-eval'],
      output: 'It is Paris.',
      metadata: { groundTruth: 'Paris' },
    },
  });
  const runId = (await created.json()).run.id;
  // The server's evaluator job scores it in the background.
  await expect
    .poll(async () => {
      const res = await request.get(`/api/v1/scores?runId=${runId}&name=${name}`, { headers });
      return (await res.json()).data;
    })
    .toMatchObject([{ runId, name, source: 'evaluator' }]);
  await page.reload();
  await expect(row.getByRole('cell').nth(3)).toHaveText('1');

  const secret = `sk-e2e-${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill('loopback');
  await page.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
  await page.getByLabel('API key (empty: keep the stored one)').fill(secret);
  await page.getByRole('button', { name: 'Save provider' }).click();
  await expect(page.getByRole('status')).toContainText('Saved loopback');
  await page.reload();
  await expect(page.getByTestId('providers-table')).toContainText('stored, encrypted');
  expect(await page.content()).not.toContain(secret);
  const listed = await (await request.get('/api/v1/llm-providers', { headers })).text();
  expect(listed).toContain('"hasApiKey":true');
  expect(listed).not.toContain(secret);
});
