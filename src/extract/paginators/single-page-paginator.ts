import type { Paginator } from './paginator.js';

/** One request, then stop. */
export class SinglePagePaginator implements Paginator {
  hasNextPage = true;
  stopReason: string | undefined;

  initRequest(): void {
    this.hasNextPage = true;
  }

  updateState(): void {
    this.hasNextPage = false;
    this.stopReason = 'single page';
  }

  updateRequest(): void {}
}
