'use client';
import { FormField } from '@/components/ui/form-field';
import { Field } from '@/components/ui/input';
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
        <FormField form={{}} name="models" label="Models (comma)" id="ev-models" className="w-44" />
        <FormField form={{}} name="tags" label="Any tag (comma)" id="ev-tags" className="w-40" />
        <FormField form={{}} name="nameContains" label="Name contains" id="ev-namec" className="w-40" />
        {/* The API's sampleRate is a fraction; the form asks for a percentage. */}
        <FormField
          form={{ errors: errors?.sampleRate && { samplePercent: errors.sampleRate } }}
          name="samplePercent"
          label="Sample %"
          id="ev-sample"
          defaultValue="100"
          className="w-20"
        />
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
