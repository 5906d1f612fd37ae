'use client';
import { startTransition, useActionState, useState } from 'react';
import { FormField, FormSubmit } from '@/components/ui/form-field';
import { Field, Select } from '@/components/ui/input';
import { type EvaluatorType, evaluatorTypes, runKinds } from '@/lib/enums';
import { addEvaluator } from './actions';
import { ConfigFields, type ProviderOption } from './config-fields';
import { FilterFields } from './filter-fields';
import { readConfig } from './read-config';

export const TYPE_LABELS: Record<EvaluatorType, string> = {
  exact_match: 'Exact match',
  contains: 'Contains',
  regex: 'Regex',
  json_valid: 'Valid JSON',
  json_schema: 'Matches a JSON Schema',
  tool_called: 'Tool called',
  latency_under: 'Latency under',
  cost_under: 'Cost under',
  llm_judge: 'LLM judge',
};

const list = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `key=value` per line, for the metadata filter. */
function metadataOf(v: FormDataEntryValue | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of String(v ?? '').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

/** Builds the API's body from the form; the action parses it with the API's schema. */
function bodyOf(type: EvaluatorType, f: FormData) {
  const kinds = runKinds.filter((k) => f.get(`kind-${k}`) === 'on');
  const filter = Object.fromEntries(
    Object.entries({
      kinds,
      models: list(f.get('models')),
      tags: list(f.get('tags')),
      metadata: metadataOf(f.get('metadata')),
      nameContains: String(f.get('nameContains') ?? '').trim() || undefined,
    }).filter(([, v]) => v !== undefined && (typeof v !== 'object' || Object.keys(v).length > 0)),
  );
  const budget = String(f.get('dailyBudget') ?? '').trim();
  return {
    name: String(f.get('name') ?? '').trim(),
    config: readConfig(type, f),
    online: f.get('online') === 'on',
    filter,
    sampleRate: Number(f.get('samplePercent') ?? 100) / 100,
    dailyBudget: budget === '' ? null : Number(budget),
  };
}

export function EvaluatorForm({ providers }: { providers: ProviderOption[] }) {
  const [type, setType] = useState<EvaluatorType>('contains');
  const [state, dispatch, pending] = useActionState(addEvaluator, null);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const body = bodyOf(type, new FormData(e.currentTarget));
    startTransition(() => dispatch(body));
  };
  const other = Object.entries(errors ?? {}).filter(
    ([k]) => !/^(name|config\.|sampleRate|dailyBudget)/.test(k),
  );
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" aria-label="Add an evaluator">
      <div className="flex flex-wrap gap-3">
        <FormField
          form={{ errors }}
          name="name"
          label="Name (also its scores' name)"
          id="ev-name"
          className="w-56"
          placeholder="correct-answer"
        />
        <Field label="Type" htmlFor="ev-type">
          <Select id="ev-type" value={type} onChange={(e) => setType(e.target.value as EvaluatorType)}>
            {evaluatorTypes.map((t) => (
              <option key={t} value={t} disabled={t === 'llm_judge' && providers.length === 0}>
                {TYPE_LABELS[t]}
                {t === 'llm_judge' && providers.length === 0 ? ' (add a provider first)' : ''}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <ConfigFields key={type} type={type} providers={providers} errors={errors} />
      <FilterFields errors={errors} />
      <FormField
        form={{ errors }}
        name="dailyBudget"
        label="Daily budget (evaluations per UTC day; empty: none)"
        id="ev-budget"
        inputMode="numeric"
        className="w-32"
      />
      <FormSubmit
        pending={pending}
        label="Add evaluator"
        error={state?.error}
        done={state?.ok && `Added ${state.name}.`}
      >
        {other.map(([k, m]) => (
          <p key={k} className="text-sm text-red-600">
            {k}: {m.join(', ')}
          </p>
        ))}
      </FormSubmit>
    </form>
  );
}
