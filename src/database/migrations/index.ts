import { InitialSchema1764090000000 } from 'src/database/migrations/1764090000000-InitialSchema';

/** Every migration, in order. Listed explicitly so compiled code, Jest and tools load the same set. */
export const migrations = [InitialSchema1764090000000];
