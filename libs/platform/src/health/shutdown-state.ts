import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/** Flips to "shutting down" as soon as Nest starts shutting down, so readiness fails first. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private shuttingDown = false;

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}
