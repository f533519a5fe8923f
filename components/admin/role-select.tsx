import { ROLES } from '@/lib/auth/permissions';

/** The four project roles, as a select of a form. */
export function RoleSelect({ name, defaultValue, label }: { name: string; defaultValue: string; label: string }) {
  return (
    <select name={name} defaultValue={defaultValue} aria-label={label}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}
