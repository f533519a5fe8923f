/**
 * The one role → permission map. Roles are per project (memberships). Every route handler and server
 * action declares the permission it needs; the guard checks it against the caller's role in the
 * target project. Reviewers never get a PHI permission: everything they see is pseudonymous.
 */
export const ROLES = ['researcher', 'reviewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'project:read', // see the project exists (any member)
  'study:read', // study list and series (pseudonymous fields)
  'phi:read', // identifying header values (patient name, id, dates) and raw-phi/ objects
  'study:upload', // create uploads, get presigned URLs to raw-phi/
  'run:read',
  'run:submit',
  'run:manage', // retry, cancel any run of the project
  'run:cancel', // reach the cancel endpoint: without run:manage only one's own queued runs (lib/runs/cancel-run.ts)
  'model:read',
  'model:register',
  'promotion:read',
  'promotion:approve',
  'review:read', // shadow vs live comparisons (derived, de-identified data only)
  'review:write', // record a verdict
  'audit:read',
  'dashboard:read', // the operations dashboard: aggregates of runs, steps, latency and shadow agreement
  'project:manage', // members, roles, de-identification options
  'token:manage', // own API tokens
  'dicomweb:read', // DICOMweb QIDO-RS/WADO-RS over de-identified instances and derived SEGs (derived/ only)
  'dicomweb:write', // DICOMweb STOW-RS: a derived SEG/SR referencing the project's de-identified series
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Each permission in a user's words, for pages that say what a role may not do. */
export const PERMISSION_LABELS: Record<Permission, string> = {
  'project:read': 'seeing the project',
  'study:read': 'opening studies',
  'phi:read': 'seeing identifying data',
  'study:upload': 'uploading studies',
  'run:read': 'seeing runs',
  'run:submit': 'submitting runs',
  'run:manage': 'cancelling or retrying any run',
  'run:cancel': 'cancelling runs',
  'model:read': 'seeing models',
  'model:register': 'registering models',
  'promotion:read': 'seeing rollouts',
  'promotion:approve': 'changing rollouts',
  'review:read': 'seeing reviews',
  'review:write': 'recording review verdicts',
  'audit:read': 'reading the audit log',
  'dashboard:read': 'the operations dashboard',
  'project:manage': 'managing the project',
  'token:manage': 'managing API tokens',
  'dicomweb:read': 'reading through DICOMweb',
  'dicomweb:write': 'storing through DICOMweb',
};

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  researcher: ['project:read', 'study:read', 'phi:read', 'study:upload', 'run:read', 'run:submit', 'run:cancel', 'model:read', 'token:manage', 'dicomweb:read'],
  // reviewers see de-identified images only inside a review case (shadow vs live), so no DICOMweb:
  // a DICOMweb study is the whole de-identified study, beyond what one case shows
  reviewer: ['project:read', 'review:read', 'review:write', 'token:manage'],
  operator: [
    'project:read',
    'run:read',
    'run:manage',
    'run:cancel',
    'model:read',
    'model:register',
    'promotion:read',
    'promotion:approve',
    'review:read',
    'dashboard:read',
    'token:manage',
    'dicomweb:read',
    'dicomweb:write',
  ],
  admin: [...PERMISSIONS],
};

/**
 * Permissions that only read (`…:read`): their audit events are recorded pending, without the chain
 * lock, and chained in order afterwards (lib/audit/append-pending-audit-event.ts).
 */
export function isReadPermission(p: Permission): boolean {
  return p.endsWith(':read');
}

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role != null && ROLE_PERMISSIONS[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

/**
 * Navigation entries and the permission each needs; the shell shows those the user holds anywhere.
 * The first one a user holds is their landing page (the dashboard for operators and admins).
 */
export const NAV_ITEMS = [
  { href: '/dashboard', label: 'Dashboard', permission: 'dashboard:read' },
  { href: '/studies', label: 'Studies', permission: 'study:read' },
  { href: '/runs', label: 'Runs', permission: 'run:read' },
  { href: '/models', label: 'Models', permission: 'model:read' },
  { href: '/promotions', label: 'Promotions', permission: 'promotion:read' },
  { href: '/reviews', label: 'Reviews', permission: 'review:read' },
  { href: '/audit', label: 'Audit', permission: 'audit:read' },
  { href: '/settings/project', label: 'Project settings', permission: 'project:manage' },
  { href: '/admin', label: 'Admin', permission: 'project:manage' },
] as const satisfies readonly { href: string; label: string; permission: Permission }[];

export function navFor(roles: Role[]): (typeof NAV_ITEMS)[number][] {
  return NAV_ITEMS.filter((item) => roles.some((r) => can(r, item.permission)));
}
