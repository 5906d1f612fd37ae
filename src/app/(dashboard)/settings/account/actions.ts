'use server';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { verifyUserPassword } from '@/server/accounts/sign-in';
import { setPassword } from '@/server/accounts/users';
import { AppError } from '@/server/errors';

export const changePassword = validatedAction(
  z.object({
    currentPassword: z.string().min(1, 'Enter your current password').max(1000),
    newPassword: z.string().min(8, 'At least 8 characters').max(200, 'At most 200 characters'),
  }),
  async ({ currentPassword, newPassword }, session) => {
    if (!(await verifyUserPassword(getDb(), session.actor.id, currentPassword))) {
      throw new AppError('bad_request', 'The current password is wrong');
    }
    // Every other session of this user ends at once; this browser stays signed in.
    await setPassword(getDb(), session.actor.id, newPassword, session.sessionId);
    return {};
  },
);
