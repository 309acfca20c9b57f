import type { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CommunityPagesRepository } from 'src/community/community-pages.repository';
import { ReaderVisibilityInterceptor } from 'src/community/reader-visibility.interceptor';
import { ViewRenderer } from 'src/reports/render/view-renderer';

/**
 * What the community pages need besides the read service. The renderer is this module's own
 * instance (templates compile once per instance; the web module keeps its own). The interceptor is
 * global: every page and API read of results hides unaccepted submissions from all but admins.
 */
export const communityPageProviders: Provider[] = [
  CommunityPagesRepository,
  { provide: ViewRenderer, useFactory: () => new ViewRenderer() },
  { provide: APP_INTERCEPTOR, useClass: ReaderVisibilityInterceptor },
];
