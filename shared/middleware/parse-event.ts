// One middleware, one concern: validate the incoming event against a zod schema before the handler sees it,
// so a malformed event fails with the field named, and the handler's types flow from the schema.
import type { MiddlewareObj } from '@middy/core';

interface EventSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[] } };
}

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export function parseEvent<T>(schema: EventSchema<T>): MiddlewareObj<unknown> {
  return {
    before: (request) => {
      const result = schema.safeParse(request.event);
      if (!result.success) {
        const detail = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(event)'}: ${i.code ?? i.message}`).join('; ');
        throw new InvalidEventError(`invalid event: ${detail}`);
      }
      request.event = result.data;
    },
  };
}
