'use client';
import { FormField } from '@/components/ui/form-field';
import { Field, Select } from '@/components/ui/input';
import type { EvaluatorType } from '@/lib/enums';

export type ProviderOption = { id: string; name: string };
type Errors = Record<string, string[]> | undefined;

const area =
  'w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 font-mono text-xs text-zinc-900 focus:border-zinc-500 focus:outline-none';

/** The fields of one evaluator type; their names are the config's keys (read back by readConfig). */
export function ConfigFields({
  type,
  providers,
  errors,
}: {
  type: EvaluatorType;
  providers: ProviderOption[];
  errors: Errors;
}) {
  const e = (k: string) => errors?.[`config.${k}`];
  // The fields are named by the config's keys; the server names their errors `config.<key>`.
  const form = {
    errors: Object.fromEntries(
      Object.entries(errors ?? {}).flatMap(([k, v]) => (k.startsWith('config.') ? [[k.slice(7), v]] : [])),
    ),
  };
  switch (type) {
    case 'exact_match':
    case 'contains':
      return (
        <label className="flex items-center gap-2 text-sm text-zinc-700">
          <input type="checkbox" name="caseSensitive" defaultChecked /> Case-sensitive (compared with the
          ground truth: a result&apos;s expected output, or a run&apos;s metadata.groundTruth)
        </label>
      );
    case 'regex':
      return (
        <div className="flex flex-wrap gap-3">
          <FormField
            form={form}
            name="pattern"
            label="Pattern"
            id="ev-pattern"
            className="w-80 font-mono"
            placeholder="^\d+$"
          />
          <FormField
            form={form}
            name="flags"
            label="Flags"
            id="ev-flags"
            className="w-20 font-mono"
            placeholder="i"
          />
        </div>
      );
    case 'json_valid':
      return <p className="text-sm text-zinc-500">Passes when the output is JSON (or a JSON value).</p>;
    case 'json_schema':
      return (
        <Field label="JSON Schema" htmlFor="ev-schema" errors={e('schema')}>
          <textarea
            id="ev-schema"
            name="schema"
            rows={5}
            className={area}
            defaultValue={'{\n  "type": "object"\n}'}
          />
        </Field>
      );
    case 'tool_called':
      return (
        <div className="flex flex-wrap gap-3">
          <FormField form={form} name="toolName" label="Tool name" id="ev-tool" className="w-56" />
          <Field label="Passes when it was" htmlFor="ev-called">
            <Select id="ev-called" name="called" defaultValue="true">
              <option value="true">called</option>
              <option value="false">not called</option>
            </Select>
          </Field>
        </div>
      );
    case 'latency_under':
      return (
        <FormField
          form={form}
          name="ms"
          label="Latency under (ms)"
          id="ev-ms"
          inputMode="numeric"
          className="w-32"
        />
      );
    case 'cost_under':
      return (
        <FormField
          form={form}
          name="usd"
          label="Cost under (USD)"
          id="ev-usd"
          inputMode="decimal"
          className="w-32"
        />
      );
    case 'llm_judge':
      return (
        <div className="flex flex-col gap-3">
          <div className="flex flex-wrap gap-3">
            <Field label="Provider" htmlFor="ev-provider" errors={e('providerId')}>
              <Select id="ev-provider" name="providerId">
                {providers.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </Select>
            </Field>
            <FormField
              form={form}
              name="model"
              label="Model"
              id="ev-model"
              className="w-48"
              placeholder="gpt-4o-mini"
            />
            <FormField
              form={form}
              name="min"
              label="Score from"
              id="ev-min"
              defaultValue="0"
              className="w-20"
            />
            <FormField form={form} name="max" label="to" id="ev-max" defaultValue="1" className="w-20" />
          </div>
          <Field label="Prompt" htmlFor="ev-prompt" errors={e('prompt')}>
            <textarea
              id="ev-prompt"
              name="prompt"
              rows={6}
              className={area}
              defaultValue={
                'Rate how well the answer responds to the question.\n\nQuestion: {{input}}\nAnswer: {{output}}\nExpected: {{ground_truth}}\n\nConversation:\n{{transcript}}'
              }
            />
          </Field>
        </div>
      );
  }
}
