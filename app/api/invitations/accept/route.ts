import { acceptInvitationRequest } from '@/lib/admin/accept-invitation-request';

/** Public: the one-time invitation link is the credential ({ token, password }); it sets the password once. */
export const POST = acceptInvitationRequest;
