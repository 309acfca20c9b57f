import { InitialSchema1764090000000 } from 'src/database/migrations/1764090000000-InitialSchema';
import { CaseDispatch1764100000000 } from 'src/database/migrations/1764100000000-CaseDispatch';
import { Workers1764110000000 } from 'src/database/migrations/1764110000000-Workers';
import { SubmissionRunIndex1764120000000 } from 'src/database/migrations/1764120000000-SubmissionRunIndex';
import { ScheduleFiring1764130000000 } from 'src/database/migrations/1764130000000-ScheduleFiring';
import { AdminSubmissionUnique1764140000000 } from 'src/database/migrations/1764140000000-AdminSubmissionUnique';
import { HostKeyPins1764150000000 } from 'src/database/migrations/1764150000000-HostKeyPins';
import { RunUpdates1764160000000 } from 'src/database/migrations/1764160000000-RunUpdates';
import { RepoWatches1764170000000 } from 'src/database/migrations/1764170000000-RepoWatches';
import { RunNotifications1764180000000 } from 'src/database/migrations/1764180000000-RunNotifications';
import { WebSessions1764190000000 } from 'src/database/migrations/1764190000000-WebSessions';
import { TokenNameKeys1764205000000 } from 'src/database/migrations/1764205000000-TokenNameKeys';
import { ReleaseSummaries1764210000000 } from 'src/database/migrations/1764210000000-ReleaseSummaries';
import { GuestInstalls1764231500000 } from 'src/database/migrations/1764231500000-GuestInstalls';
import { RunBuilds1764240000000 } from 'src/database/migrations/1764240000000-RunBuilds';

/** Every migration, in order. Listed explicitly so compiled code, Jest and tools load the same set. */
export const migrations = [
  InitialSchema1764090000000,
  CaseDispatch1764100000000,
  Workers1764110000000,
  SubmissionRunIndex1764120000000,
  ScheduleFiring1764130000000,
  AdminSubmissionUnique1764140000000,
  HostKeyPins1764150000000,
  RunUpdates1764160000000,
  RepoWatches1764170000000,
  RunNotifications1764180000000,
  WebSessions1764190000000,
  TokenNameKeys1764205000000,
  ReleaseSummaries1764210000000,
  GuestInstalls1764231500000,
  RunBuilds1764240000000,
];
