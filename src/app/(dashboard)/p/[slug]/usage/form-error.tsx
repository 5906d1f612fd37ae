/** A form-level message that is not about one field (session expired, duplicate, not found). */
export function FormError({ state }: { state: { error?: string; fieldErrors?: unknown } | null }) {
  if (!state?.error || state.fieldErrors) return null;
  return (
    <p role="alert" className="text-xs text-red-600">
      {state.error}
    </p>
  );
}
