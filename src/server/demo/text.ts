import type { Rng } from './random';

/** A tool call the assistant makes before answering. */
export type ToolSpec = {
  name: string;
  input: Record<string, unknown>;
  output?: unknown;
  /** When set, the tool fails with this message (tool-output-error). */
  error?: string;
};

export type Exchange = { question: string; answer: string; tool?: ToolSpec; reasoning?: string };

export type Topic = { key: string; tags: string[]; opening: Exchange[]; followUps: Exchange[] };

export const TOPICS: Topic[] = [
  {
    key: 'billing-email',
    tags: ['support', 'billing'],
    opening: [
      {
        question: 'How do I change the billing email on my account?',
        answer:
          'You can change it in **Settings → Billing**. Click *Edit* next to "Billing contact", enter the new address and save. We send a confirmation link to the new address; invoices switch to it once you click the link. If you do not see the email within a few minutes, check your spam folder or resend it from the same page.',
      },
    ],
    followUps: [
      {
        question: 'Will past invoices be re-sent to the new address?',
        answer:
          'No, past invoices stay where they were sent. You can download any of them as PDF from **Settings → Billing → Invoices**, and every future invoice goes to the new address.',
      },
      {
        question: 'Can I add a second billing contact, for our accountant?',
        answer:
          'Yes. Under "Billing contact" choose *Add CC address*. Both addresses receive invoices and payment receipts, but only the primary contact can change the payment method.',
      },
    ],
  },
  {
    key: 'weather',
    tags: ['tools', 'weather'],
    opening: [
      {
        question: "What's the weather in Lisbon tomorrow? Should I bring an umbrella?",
        tool: {
          name: 'getWeather',
          input: { city: 'Lisbon', day: 'tomorrow' },
          output: {
            city: 'Lisbon',
            tempC: { min: 14, max: 19 },
            precipitationChance: 0.7,
            wind: 'SW 18 km/h',
          },
        },
        answer:
          'Tomorrow in Lisbon looks mild but wet: between 14 and 19 °C with a 70% chance of rain and a south-westerly breeze around 18 km/h. Yes, bring an umbrella, and a light jacket for the evening.',
      },
      {
        question: 'Is it going to be sunny in Berlin this weekend?',
        tool: {
          name: 'getWeather',
          input: { city: 'Berlin', day: 'weekend' },
          output: {
            city: 'Berlin',
            tempC: { min: 3, max: 9 },
            precipitationChance: 0.2,
            sky: 'partly cloudy',
          },
        },
        answer:
          'Mostly, yes. The weekend in Berlin should be partly cloudy with only a 20% chance of showers, but it will be cold: 3 to 9 °C. Sunny spells are most likely on Saturday afternoon.',
      },
    ],
    followUps: [
      {
        question: 'And the day after?',
        tool: {
          name: 'getWeather',
          input: { city: 'Lisbon', day: 'in 2 days' },
          error: 'Weather service timed out after 5000 ms',
        },
        answer:
          "I couldn't reach the weather service for that day (it timed out). Forecasts more than a day out are less reliable anyway; I'd check again tomorrow morning.",
      },
    ],
  },
  {
    key: 'sql-orders',
    tags: ['analytics', 'sql'],
    opening: [
      {
        question: 'How many orders did we ship last week, by region?',
        reasoning:
          'The user wants shipped orders for the previous calendar week grouped by region. I should query the orders table filtered on shipped_at and group by region.',
        tool: {
          name: 'runSql',
          input: {
            query:
              "select region, count(*) as orders from orders where shipped_at >= date_trunc('week', now()) - interval '1 week' and shipped_at < date_trunc('week', now()) group by region order by orders desc",
          },
          output: {
            rows: [
              { region: 'EMEA', orders: 1842 },
              { region: 'NA', orders: 1630 },
              { region: 'APAC', orders: 977 },
              { region: 'LATAM', orders: 412 },
            ],
          },
        },
        answer:
          'Last week we shipped **4,861 orders**: EMEA 1,842, North America 1,630, APAC 977 and LATAM 412. EMEA overtook North America for the first time this quarter, mostly thanks to the German launch.',
      },
    ],
    followUps: [
      {
        question: 'How does that compare with the week before?',
        tool: {
          name: 'runSql',
          input: {
            query:
              "select count(*) from orders where shipped_at >= date_trunc('week', now()) - interval '2 weeks' and shipped_at < date_trunc('week', now()) - interval '1 week'",
          },
          output: { rows: [{ count: 4519 }] },
        },
        answer: 'The week before we shipped 4,519 orders, so last week was up **7.6%** (342 more orders).',
      },
      {
        question: 'Can you break EMEA down by country?',
        tool: {
          name: 'runSql',
          input: { query: "select country, count(*) from orders where region = 'EMEA' group by country" },
          error: 'permission denied for column country',
        },
        answer:
          "I can't: the analytics role I use has no access to the `country` column. Ask the data team to grant `select (country)` on `orders` to the assistant role, or run the query yourself in the BI tool.",
      },
    ],
  },
  {
    key: 'order-status',
    tags: ['support', 'orders'],
    opening: [
      {
        question: 'Where is my order #48213?',
        tool: {
          name: 'lookupOrder',
          input: { orderId: '48213' },
          output: { orderId: '48213', status: 'in_transit', carrier: 'DHL', eta: '2026-11-25' },
        },
        answer:
          'Your order #48213 is on its way with DHL and should arrive on **25 November**. You will get an email with the tracking link as soon as it is out for delivery.',
      },
      {
        question: 'I never received order #50077, can you check?',
        tool: { name: 'lookupOrder', input: { orderId: '50077' }, error: 'Order 50077 not found' },
        answer:
          "I couldn't find an order #50077 on your account. Could you double-check the number in your confirmation email? Order numbers have five digits and start with 4 or 5.",
      },
    ],
    followUps: [
      {
        question: 'Can I change the delivery address?',
        answer:
          'Once a parcel is in transit we cannot change the address ourselves, but DHL can: use the *Change delivery* option on the tracking page to redirect it to a neighbour, a parcel shop or another address.',
      },
    ],
  },
  {
    key: 'api-keys',
    tags: ['docs', 'security'],
    opening: [
      {
        question: 'How do I rotate an API key without downtime?',
        tool: {
          name: 'searchDocs',
          input: { query: 'rotate api key' },
          output: [
            { title: 'API keys', url: 'https://docs.example.com/api-keys' },
            { title: 'Zero-downtime key rotation', url: 'https://docs.example.com/guides/key-rotation' },
          ],
        },
        answer:
          'Rotate in three steps:\n\n1. Create a second key in **Settings → API keys**.\n2. Deploy it everywhere the old key is used, and watch the *Last used* column until the old key stops being used.\n3. Revoke the old key.\n\nBoth keys work at the same time, so there is no gap. See the [key rotation guide](https://docs.example.com/guides/key-rotation).',
      },
    ],
    followUps: [
      {
        question: 'Is there a limit on how many keys a project can have?',
        answer:
          'There is no hard limit, but we recommend one key per service so you can revoke them separately.',
      },
    ],
  },
  {
    key: 'debounce',
    tags: ['code', 'typescript'],
    opening: [
      {
        question: 'Write a TypeScript function that debounces a callback.',
        answer:
          'Here is a small, typed debounce:\n\n```ts\nexport function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number) {\n  let timer: ReturnType<typeof setTimeout> | undefined;\n  return (...args: A) => {\n    clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), waitMs);\n  };\n}\n```\n\nEvery call restarts the timer, so `fn` runs once, `waitMs` after the last call. The arguments of that last call are the ones used.',
      },
    ],
    followUps: [
      {
        question: 'Can you add a way to cancel it?',
        answer:
          'Return the function with a `cancel` method attached:\n\n```ts\nconst debounced = Object.assign((...args: A) => { /* as before */ }, {\n  cancel: () => clearTimeout(timer),\n});\n```\n\nCall `debounced.cancel()` in your cleanup (for example in a React effect).',
      },
      {
        question: 'What is the difference with throttle?',
        answer:
          'Debounce waits for calls to stop, then runs once. Throttle runs at most once per interval while calls keep coming. Use debounce for search-as-you-type, throttle for scroll or resize handlers.',
      },
    ],
  },
  {
    key: 'mutex',
    tags: ['explain', 'concurrency'],
    opening: [
      {
        question: 'Explain the difference between a mutex and a semaphore.',
        reasoning:
          'Classic question. Key points: ownership, counting, typical use. Keep it short with an analogy.',
        answer:
          'A **mutex** is a lock with an owner: one thread takes it, and only that thread releases it. It protects a critical section so that one thread at a time runs it.\n\nA **semaphore** is a counter of permits: any thread can acquire (decrement) or release (increment), and up to *n* holders can proceed at once. A semaphore with one permit behaves like a mutex but has no owner.\n\nAnalogy: a mutex is the key to a single bathroom; a semaphore is the number of free tables in a restaurant.',
      },
    ],
    followUps: [
      {
        question: 'When would I use a semaphore in a web backend?',
        answer:
          'To cap concurrency towards something fragile: at most 10 concurrent calls to a rate-limited API, or at most 4 image resizes at once so a burst does not exhaust memory.',
      },
    ],
  },
  {
    key: 'kyoto',
    tags: ['travel'],
    opening: [
      {
        question: 'Plan a 3-day itinerary in Kyoto in autumn.',
        answer:
          '**Day 1, east:** Kiyomizu-dera early, walk down Sannenzaka to Gion, Kennin-ji, evening in Pontocho.\n\n**Day 2, north and west:** Kinkaku-ji, Ryoan-ji, then Arashiyama: bamboo grove at dusk, Tenryu-ji gardens.\n\n**Day 3, south:** Fushimi Inari at sunrise (before the crowds), Tofuku-ji for the maple leaves, Nishiki market for lunch.\n\nIn late November the maples peak; book dinners ahead and use buses early in the morning.',
      },
    ],
    followUps: [
      {
        question: 'Which of those are free?',
        answer:
          'Fushimi Inari, the Arashiyama bamboo grove, Gion and Pontocho are free. Kiyomizu-dera, Kinkaku-ji, Ryoan-ji, Tenryu-ji and Tofuku-ji charge 400 to 600 yen.',
      },
      {
        question: 'Is a day trip to Nara worth it?',
        answer:
          'Yes, it is 45 minutes by train. Todai-ji and the deer park fill half a day; swap it for day 3 afternoon if temples are your thing.',
      },
    ],
  },
  {
    key: 'savings',
    tags: ['finance', 'tools'],
    opening: [
      {
        question: 'If I invest $500 a month at 6% a year for 10 years, how much will I have?',
        tool: {
          name: 'calculator',
          input: { expression: '500 * ((1 + 0.06/12)^120 - 1) / (0.06/12)' },
          output: { result: 81939.67 },
        },
        answer:
          'About **$81,940**. You would pay in $60,000, so roughly $21,940 is growth, assuming monthly compounding and a steady 6% a year (real returns vary, and this ignores fees and taxes).',
      },
    ],
    followUps: [
      {
        question: 'And over 20 years?',
        tool: {
          name: 'calculator',
          input: { expression: '500 * ((1 + 0.06/12)^240 - 1) / (0.06/12)' },
          output: { result: 231020.45 },
        },
        answer: 'About **$231,020** for $120,000 paid in: doubling the time almost triples the result.',
      },
    ],
  },
  {
    key: 'translate',
    tags: ['language'],
    opening: [
      {
        question: "Translate 'Where is the train station?' into Portuguese, Japanese and German.",
        answer:
          '- Portuguese: *Onde fica a estação de comboios?* (Brazil: *Onde fica a estação de trem?*)\n- Japanese: *駅はどこですか？* (eki wa doko desu ka?)\n- German: *Wo ist der Bahnhof?*',
      },
    ],
    followUps: [
      {
        question: 'How do I say thank you very much in each?',
        answer:
          '- Portuguese: *Muito obrigado* (*obrigada* if you are a woman)\n- Japanese: *どうもありがとうございます*\n- German: *Vielen Dank*',
      },
    ],
  },
  {
    key: 'seq-scan',
    tags: ['postgres', 'performance'],
    opening: [
      {
        question: 'Why is my Postgres query doing a sequential scan even though there is an index?',
        reasoning:
          'Common causes: low selectivity, stale statistics, type mismatch or function on the column, small table, leading column not used.',
        answer:
          "Usually one of these:\n\n1. **The filter is not selective**: if it matches more than a few percent of rows, a seq scan is genuinely cheaper.\n2. **Stale statistics**: run `ANALYZE your_table;`.\n3. **The index cannot be used**: a function on the column (`lower(email)`), a type mismatch, or a `LIKE '%foo'` with a leading wildcard.\n4. **Wrong column order** in a multi-column index.\n\nRun `EXPLAIN (ANALYZE, BUFFERS)` and compare estimated and actual rows: a big gap points to statistics.",
      },
    ],
    followUps: [
      {
        question: 'What index would help a substring search on a name column?',
        answer:
          "A trigram index: `create extension pg_trgm; create index on runs using gin (name gin_trgm_ops);`. It serves `ILIKE '%term%'` for terms of three characters or more.",
      },
    ],
  },
  {
    key: 'payment-email',
    tags: ['writing', 'billing'],
    opening: [
      {
        question: 'Draft a polite email asking a customer to update their payment method.',
        answer:
          'Subject: Action needed: please update your payment method\n\nHi {first name},\n\nWe tried to renew your subscription today, but the card on file was declined. To keep your workspace running without interruption, please update your payment method here: {link}.\n\nIf you have any questions, just reply to this email and we will be happy to help.\n\nThank you,\nThe Billing team',
      },
    ],
    followUps: [
      {
        question: 'Make it a bit shorter and friendlier.',
        answer:
          'Subject: Quick card update?\n\nHi {first name}, your last payment did not go through. Could you update your card here: {link}? Thanks so much!\n\nThe Billing team',
      },
    ],
  },
  {
    key: 'postcode',
    tags: ['code', 'regex'],
    opening: [
      {
        question: 'Give me a regex that validates a UK postcode.',
        answer:
          'A practical one (case-insensitive):\n\n```\n^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$\n```\n\nIt accepts `SW1A 1AA`, `M1 1AE` and `B338TH`. It checks the shape, not whether the postcode exists; for that, use a lookup API.',
      },
    ],
    followUps: [
      {
        question: 'Does it accept lowercase?',
        answer:
          'Only with the `i` flag (`/.../i` in JavaScript). Normalise with `toUpperCase()` before storing.',
      },
    ],
  },
  {
    key: 'timezones',
    tags: ['tools', 'time'],
    opening: [
      {
        question: "What time is it in Tokyo when it's 9am in New York?",
        tool: {
          name: 'convertTime',
          input: { from: 'America/New_York', to: 'Asia/Tokyo', time: '09:00' },
          output: { time: '23:00', dayOffset: 0 },
        },
        answer: "It's **11pm the same day** in Tokyo (14 hours ahead of New York in winter, 13 in summer).",
      },
    ],
    followUps: [
      {
        question: 'What is a good meeting slot for both?',
        answer:
          '7 to 8am in Tokyo is 5 to 6pm in New York the day before. That is the usual compromise: end of day for New York, start of day for Tokyo.',
      },
    ],
  },
  {
    key: 'incident-summary',
    tags: ['docs', 'incidents'],
    opening: [
      {
        question: 'Summarize the main points of our Q3 incident report.',
        tool: {
          name: 'searchDocs',
          input: { query: 'Q3 incident report' },
          output: [{ title: 'Q3 incidents review', url: 'https://wiki.example.com/incidents/q3' }],
        },
        answer:
          'Q3 had **4 incidents** (2 SEV-2, 2 SEV-3), down from 7 in Q2. The longest was the 47-minute checkout outage on 12 August, caused by an expired TLS certificate on the payments proxy. Actions: certificate expiry alerts (done), a runbook for the payments proxy (in progress) and a game day in October.',
      },
    ],
    followUps: [
      {
        question: 'Which action items are still open?',
        answer:
          'Two: the payments proxy runbook (owner: platform team, due end of November) and load tests for the new search cluster.',
      },
    ],
  },
  {
    key: 'chickpeas',
    tags: ['cooking'],
    opening: [
      {
        question: 'What can I cook with chickpeas, spinach and feta?',
        answer:
          'A quick skillet: fry an onion and two garlic cloves in olive oil, add a tin of drained chickpeas, a teaspoon of cumin and smoked paprika, then wilt 200 g of spinach. Crumble feta on top, a squeeze of lemon, and serve with flatbread. 20 minutes, one pan.',
      },
    ],
    followUps: [
      {
        question: 'Can I make it without onion?',
        answer:
          'Yes: use a pinch of asafoetida or just more garlic, and a little extra lemon at the end for brightness.',
      },
    ],
  },
];

/** Splits text into word-ish chunks (1 to 3 words with their spaces), as streamed by a model. */
export function chunkText(rng: Rng, text: string): string[] {
  const tokens = text.match(/\S+\s*|\s+/g) ?? [text];
  const chunks: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    const n = Math.min(tokens.length - i, rng.chance(0.6) ? 1 : rng.int(2, 3));
    chunks.push(tokens.slice(i, i + n).join(''));
    i += n;
  }
  return chunks;
}

/** Rough token count (about 0.75 words per token). */
export const estimateTokens = (text: string) => Math.max(1, Math.round(text.split(/\s+/).length * 1.35));
