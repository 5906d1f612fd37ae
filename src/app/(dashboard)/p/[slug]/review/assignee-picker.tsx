/** A member who can review (editor or owner), as the pickers list them. */
export type Reviewer = { userId: string; label: string };

/**
 * Checkboxes of the project's reviewers, named `assignee:<user id>` (the actions collect them). None
 * ticked: every editor and owner reviews.
 */
export function AssigneePicker({
  reviewers,
  selected = [],
  legend = 'Assigned to (none: every editor and owner)',
}: {
  reviewers: Reviewer[];
  selected?: string[];
  legend?: string;
}) {
  return (
    <fieldset className="text-sm" data-testid="assignee-picker">
      <legend>{legend}</legend>
      {reviewers.length === 0 && (
        <p className="mt-1 text-zinc-500">
          Nobody to assign yet: a queue is assigned to members of the project with the editor or owner role
          (see Members).
        </p>
      )}
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {reviewers.map((r) => (
          <label key={r.userId} className="flex items-center gap-1">
            <input
              type="checkbox"
              name={`assignee:${r.userId}`}
              defaultChecked={selected.includes(r.userId)}
            />
            {r.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
