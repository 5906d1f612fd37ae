import type { Rng } from './random';

export type SectionSpec = { heading: string; body: string };
export type StepSpec = { name: string; sections: SectionSpec[] };
export type BranchSpec = { branch: string; title: string; steps: StepSpec[] };
export type WorkflowSpec = {
  name: string;
  title: string;
  model: string;
  tags: string[];
  /** Steps before the branches, then the branches (run in parallel), then the closing steps. */
  before: StepSpec[];
  branches: BranchSpec[];
  after: StepSpec[];
};

const table = (head: string[], rows: (string | number)[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

/** The demo's workflow templates; `n` varies the figures between two runs of one template. */
export function workflowTemplates(rng: Rng, n: number): WorkflowSpec[] {
  const week = 44 + n;
  const churn = (base: number) => (base + rng.next() * 0.8).toFixed(1);
  return [
    {
      name: `Weekly churn analysis (week ${week})`,
      title: `Churn analysis, week ${week}`,
      model: 'gpt-4.1',
      tags: ['workflow', 'analytics', 'scheduled'],
      before: [
        {
          name: 'load accounts',
          sections: [
            {
              heading: 'Data',
              body: `Loaded **${12000 + n * 130} active accounts** and ${310 + n * 7} cancellations from the warehouse.\n\n- source: \`analytics.accounts\`\n- window: week ${week}\n- excluded: internal and test accounts`,
            },
          ],
        },
      ],
      branches: [
        {
          branch: 'smb',
          title: 'Segment: SMB',
          steps: [
            {
              name: 'analyse smb',
              sections: [
                {
                  heading: 'SMB churn',
                  body: `Monthly churn **${churn(3.1)}%**. Top reasons:\n\n1. price\n2. missing integrations\n3. moved to a competitor`,
                },
              ],
            },
          ],
        },
        {
          branch: 'enterprise',
          title: 'Segment: Enterprise',
          steps: [
            {
              name: 'analyse enterprise',
              sections: [
                {
                  heading: 'Enterprise churn',
                  body: `Monthly churn **${churn(0.6)}%**; two renewals at risk.\n\n> Both cite the SSO setup effort.`,
                },
              ],
            },
          ],
        },
      ],
      after: [
        {
          name: 'summarize',
          sections: [
            {
              heading: 'Summary',
              body: table(
                ['Segment', 'Accounts', 'Churn', 'Trend'],
                [
                  ['SMB', 9800 + n * 90, `${churn(3.1)}%`, '↘'],
                  ['Mid-market', 1800 + n * 30, `${churn(1.4)}%`, '→'],
                  ['Enterprise', 400 + n * 10, `${churn(0.6)}%`, '↗'],
                ],
              ),
            },
            {
              heading: 'Recommendations',
              body: '- Offer annual plans to SMB accounts in their third month\n- Ship the HubSpot integration before Q1\n- Assign a success manager to both at-risk enterprise renewals',
            },
          ],
        },
      ],
    },
    {
      name: n ? 'Competitor research: observability tools' : 'Competitor research: vector databases',
      title: n ? 'Observability tools compared' : 'Vector databases compared',
      model: 'claude-sonnet-4',
      tags: ['workflow', 'research'],
      before: [
        {
          name: 'plan',
          sections: [
            {
              heading: 'Plan',
              body: 'Compare pricing, self-hosting and performance. One branch per product, then a synthesis.',
            },
          ],
        },
      ],
      branches: (n ? ['langfuse', 'helicone', 'phoenix'] : ['pgvector', 'qdrant', 'pinecone']).map((p) => ({
        branch: p,
        title: `Product: ${p}`,
        steps: [
          {
            name: `research ${p}`,
            sections: [
              {
                heading: 'Findings',
                body: `**${p}**\n\n- self-hostable: ${p === 'pinecone' || p === 'helicone' ? 'no' : 'yes'}\n- license: ${p === 'pinecone' ? 'proprietary' : 'open source'}\n- notable: ${rng.pick(['large community', 'simple pricing', 'fast setup', 'good docs'])}`,
              },
              {
                heading: 'Sources',
                body: `1. [${p} documentation](https://example.com/${p}/docs)\n2. [${p} pricing](https://example.com/${p}/pricing)`,
              },
            ],
          },
        ],
      })),
      after: [
        {
          name: 'synthesize',
          sections: [
            {
              heading: 'Comparison',
              body: table(
                ['Product', 'Self-host', 'Price (entry)', 'Verdict'],
                (n ? ['langfuse', 'helicone', 'phoenix'] : ['pgvector', 'qdrant', 'pinecone']).map((p, i) => [
                  p,
                  p === 'pinecone' || p === 'helicone' ? 'no' : 'yes',
                  `$${[0, 25, 70][i]}/mo`,
                  ['best fit', 'strong option', 'skip for now'][i]!,
                ]),
              ),
            },
          ],
        },
      ],
    },
    {
      name: `Incident postmortem draft: checkout latency #${n + 1}`,
      title: 'Postmortem: checkout latency',
      model: 'claude-sonnet-4',
      tags: ['workflow', 'incidents'],
      before: [
        {
          name: 'timeline',
          sections: [
            {
              heading: 'Timeline (UTC)',
              body: table(
                ['Time', 'Event'],
                [
                  ['14:02', 'p95 checkout latency above 2 s'],
                  ['14:09', 'on-call paged'],
                  ['14:31', 'connection pool exhaustion identified'],
                  ['14:48', 'pool size raised, latency back to normal'],
                ],
              ),
            },
          ],
        },
      ],
      branches: [
        {
          branch: 'logs',
          title: 'Evidence: logs',
          steps: [
            {
              name: 'scan logs',
              sections: [
                {
                  heading: 'Log excerpt',
                  body: '```\n14:05:12 ERROR pool: timeout acquiring connection after 5000ms\n14:05:12 WARN  checkout: retrying payment intent (attempt 2)\n```',
                },
              ],
            },
          ],
        },
        {
          branch: 'metrics',
          title: 'Evidence: metrics',
          steps: [
            {
              name: 'read dashboards',
              sections: [
                {
                  heading: 'Metrics',
                  body: `- p95 latency peaked at **${(3 + rng.next() * 2).toFixed(1)} s**\n- DB connections: 100/100 in use for 39 minutes\n- error rate: ${(1 + rng.next()).toFixed(2)}%`,
                },
              ],
            },
          ],
        },
      ],
      after: [
        {
          name: 'root cause',
          sections: [
            {
              heading: 'Root cause',
              body: 'A new background job held connections while calling a slow third-party API:\n\n```ts\nawait db.transaction(async (tx) => {\n  const order = await tx.query.orders.findFirst(...);\n  await fetch(fraudCheckUrl); // network call inside a transaction\n});\n```',
            },
            {
              heading: 'Action items',
              body: '- [x] move the fraud check out of the transaction\n- [ ] alert on pool saturation above 80%\n- [ ] load test checkout with the job enabled',
            },
          ],
        },
      ],
    },
    {
      name: `Release notes v2.${n + 7}`,
      title: `Release notes v2.${n + 7}`,
      model: 'gpt-4o-mini',
      tags: ['workflow', 'docs'],
      before: [
        {
          name: 'collect merged PRs',
          sections: [
            {
              heading: 'Scope',
              body: `${38 + n * 5} pull requests merged since v2.${n + 6}, 9 contributors.`,
            },
          ],
        },
      ],
      branches: [
        {
          branch: 'api',
          title: 'Area: API',
          steps: [
            {
              name: 'write api notes',
              sections: [
                {
                  heading: 'API',
                  body: '- `GET /runs` accepts `tag` and `q` filters\n- idempotent retries for `POST /runs`\n- `429` answers carry `Retry-After`',
                },
              ],
            },
          ],
        },
        {
          branch: 'dashboard',
          title: 'Area: Dashboard',
          steps: [
            {
              name: 'write dashboard notes',
              sections: [
                {
                  heading: 'Dashboard',
                  body: '- run replay with speed control\n- usage page shows soft quota warnings\n- dark mode',
                },
              ],
            },
          ],
        },
      ],
      after: [
        {
          name: 'assemble',
          sections: [
            {
              heading: 'Upgrade',
              body: '```bash\nnpm install runledger@latest\nnpm run cli -- migrate\n```',
            },
          ],
        },
      ],
    },
    {
      name: `Support ticket triage (batch ${n + 1})`,
      title: 'Ticket triage',
      model: 'gemini-2.5-flash',
      tags: ['workflow', 'support'],
      before: [
        {
          name: 'fetch tickets',
          sections: [{ heading: 'Input', body: `${120 + n * 17} new tickets since the last run.` }],
        },
      ],
      branches: [
        {
          branch: 'billing',
          title: 'Queue: billing',
          steps: [
            {
              name: 'classify billing',
              sections: [
                {
                  heading: 'Billing',
                  body: '- 21 refund requests\n- 9 invoice questions\n- 4 failed payments',
                },
              ],
            },
          ],
        },
        {
          branch: 'bugs',
          title: 'Queue: bugs',
          steps: [
            {
              name: 'classify bugs',
              sections: [
                {
                  heading: 'Bugs',
                  body: '1. export to CSV times out (12 tickets)\n2. SSO redirect loop (5 tickets)',
                },
              ],
            },
          ],
        },
      ],
      after: [
        {
          name: 'summarize',
          sections: [
            {
              heading: 'Summary',
              body: table(
                ['Queue', 'Tickets', 'Urgent'],
                [
                  ['billing', 34, 4],
                  ['bugs', 17, 5],
                  ['how-to', 69 + n * 17, 0],
                ],
              ),
            },
          ],
        },
      ],
    },
  ];
}
