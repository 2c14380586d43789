// The day of disclosure. On AWS it is the wall clock's day; a replay of dated deliveries sets the day it is
// replaying, so an audit record says when the message would have gone, not when the replay ran.
import type { IsoDate } from '../domain/model.js';

export const REPLAY_DATE_ENV = 'REPLAY_DELIVERY_DATE';

export const today = (): IsoDate => process.env[REPLAY_DATE_ENV] ?? new Date().toISOString().slice(0, 10);
