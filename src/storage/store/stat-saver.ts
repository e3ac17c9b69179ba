// storage_stat.dat is rewritten every sync_stat_file_interval seconds when a counter or the
// round-robin state changed, and once more at shutdown (§8.10). Never when nothing changed, so a
// base path taken over from a C storage keeps its file as found until there is something to say.
import { writeFileAtomic } from '../../common/atomic-file.js';
import type { Logger } from '../../common/logger.js';
import type { NameGenerator } from './name-generator.js';
import type { StoreStats } from './stats.js';
import { formatStorageStatFile } from './state-files.js';

export class StatSaver {
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly stats: StoreStats,
    private readonly names: NameGenerator,
    private readonly logger: Logger,
  ) {}

  /** Save every `intervalSeconds` (the timer does not keep the process alive). */
  start(intervalSeconds: number): void {
    this.stop();
    this.timer = setInterval(() => {
      this.save().catch((err: unknown) =>
        this.logger.warn({ err }, 'cannot write storage_stat.dat'),
      );
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Write the file now if anything changed since the last save. */
  async save(): Promise<void> {
    while (this.saving) await this.saving;
    if (!this.stats.dirty) return;
    const changes = this.stats.changeCount;
    const text = formatStorageStatFile(this.stats.toFile(this.names.roundRobinState));
    this.saving = writeFileAtomic(this.path, text);
    try {
      await this.saving;
      this.stats.markSaved(changes);
    } finally {
      this.saving = undefined;
    }
  }
}
