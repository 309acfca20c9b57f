import type { Provider } from '@nestjs/common';
import { CommunityPagesRepository } from 'src/community/community-pages.repository';
import { ViewRenderer } from 'src/reports/render/view-renderer';

/**
 * What the community pages need besides the read service. The renderer is this module's own
 * instance (templates compile once per instance; the web module keeps its own).
 */
export const communityPageProviders: Provider[] = [
  CommunityPagesRepository,
  { provide: ViewRenderer, useFactory: () => new ViewRenderer() },
];
