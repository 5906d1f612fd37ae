'use client';
import { Field, Input } from '@/components/ui/input';
import { runKinds } from '@/lib/enums';

/** Online or not, the filter of the runs it takes, and the sample (read back by the evaluator form). */
export function FilterFields({ errors }: { errors: Record<string, string[]> | undefined }) {
  return (
    <fieldset className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3">
      <label className="flex items-center gap-2 text-sm font-medium text-zinc-800">
        <input type="checkbox" name="online" /> Online: score finished runs as they finish, when they match
      </label>
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex gap-2 text-sm text-zinc-700">
          {runKinds.map((k) => (
            <label key={k} className="flex items-center gap-1">
              <input type="checkbox" name={`kind-${k}`} /> {k}
            </label>
          ))}
        </div>
        <Field label="Models (comma)" htmlFor="ev-models">
          <Input id="ev-models" name="models" className="w-44" />
        </Field>
        <Field label="Any tag (comma)" htmlFor="ev-tags">
          <Input id="ev-tags" name="tags" className="w-40" />
        </Field>
        <Field label="Name contains" htmlFor="ev-namec">
          <Input id="ev-namec" name="nameContains" className="w-40" />
        </Field>
        <Field label="Sample %" htmlFor="ev-sample" errors={errors?.sampleRate}>
          <Input id="ev-sample" name="samplePercent" defaultValue="100" className="w-20" />
        </Field>
      </div>
      <Field label="Metadata (key=value per line)" htmlFor="ev-meta">
        <textarea
          id="ev-meta"
          name="metadata"
          rows={2}
          className="w-80 rounded-md border border-zinc-300 px-2 py-1 text-xs"
        />
      </Field>
    </fieldset>
  );
}
