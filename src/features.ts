// The composition root: every feature the product runs, in one list.
import type { Feature } from './core/feature.ts';
import { authRoutes } from './core/auth/routes.tsx';
import { homeFeature } from './core/home.tsx';
import { offlineFeature } from './core/offline/routes.tsx';
import { orgFeature } from './org/routes.tsx';
import { sessionJobs } from './core/auth/jobs.ts';
import { peopleFeature } from './people/routes.tsx';
import { adminFeature } from './admin/routes.tsx';
import { tasksFeature } from './tasks/routes.tsx';
import { reportsFeature } from './reports/routes.tsx';
import { staffFeature } from './people/staff.tsx';
import { peopleImportFeature } from './people/import-routes.tsx';
import { documentsFeature } from './documents/routes.tsx';
import { meetingsFeature } from './meetings/routes.tsx';
import { feedbackFeature } from './feedback/routes.tsx';
import { notifyFeature } from './core/notify/routes.tsx';
import { distributionFeature } from './distribution/routes.tsx';
import { packetFeature } from './distribution/packet-routes.tsx';
import { memberSearchFeature } from './distribution/find-routes.tsx';

export function allFeatures(): Feature[] {
  const list: Feature[] = [];
  list.push(
    { name: 'account', routes: authRoutes, jobs: sessionJobs },
    homeFeature(() => list),
    offlineFeature(() => list),
    // First among the tiles: "Văn bản mới" is what a member opens the handbook for.
    distributionFeature,
    orgFeature,
    meetingsFeature,
    feedbackFeature,
    // The member's search tile (staff who open the library have that tile instead).
    memberSearchFeature,
    peopleFeature,
    peopleImportFeature,
    adminFeature,
    staffFeature,
    documentsFeature,
    notifyFeature,
    tasksFeature,
    reportsFeature,
    packetFeature,
  );
  return list;
}
