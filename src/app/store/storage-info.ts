/**
 * What the browser agreed to keep, reported honestly (docs/proofs.md §Storage in the browser).
 *
 * Browsers evict "best-effort" storage under pressure; only "persistent" storage is kept until the
 * user clears it. So a node pledges only what the browser has agreed to keep: nothing while
 * `navigator.storage.persisted()` is false, and at most the free quota once it is true (minus a
 * safety margin for the app itself). Chromium grants persistence by site engagement or an installed
 * PWA; headless Chromium says no unless the durableStorage permission is granted (CDP
 * Browser.grantPermissions, see ../shared/notes/platform-spike.md).
 */

export interface StorageReport {
  /** The answer of navigator.storage.persist() when asked now (undefined if not asked). */
  readonly persistRequested?: boolean
  /** navigator.storage.persisted(): the browser will keep this origin's data. */
  readonly persisted: boolean
  /** navigator.storage.estimate() quota and usage in bytes (0 when unavailable). */
  readonly quota: number
  readonly usage: number
  /** Usage by kind when the browser reports it (Chromium: fileSystem, indexedDB, caches, …). */
  readonly usageDetails?: Record<string, number>
  /** Bytes a pledge may count: 0 unless persisted; then free quota minus the margin. */
  readonly pledgeable: number
  /** Why `pledgeable` is what it is, for the UI. */
  readonly reason: 'persisted' | 'not-persisted' | 'unsupported'
}

/** Space kept free for the app shell, caches and databases: 64 MiB or 5 % of the quota. */
export function safetyMargin(quota: number): number {
  return Math.max(64 * 1024 * 1024, Math.floor(quota * 0.05))
}

type StorageManagerLike = {
  persist?(): Promise<boolean>
  persisted?(): Promise<boolean>
  estimate?(): Promise<{ quota?: number; usage?: number; usageDetails?: Record<string, number> }>
}

/** Ask for persistence (when `ask`) and report what the browser grants. Works on pages and in workers. */
export async function storageReport(
  options: { ask?: boolean; storage?: StorageManagerLike } = {},
): Promise<StorageReport> {
  const storage: StorageManagerLike | undefined =
    options.storage ??
    (typeof navigator !== 'undefined' ? (navigator.storage as StorageManagerLike | undefined) : undefined)
  if (!storage?.estimate || !storage.persisted)
    return { persisted: false, quota: 0, usage: 0, pledgeable: 0, reason: 'unsupported' }
  // persist() exists on pages only (not in workers); ask only when told to: it may prompt in some browsers.
  const persistRequested = options.ask && storage.persist ? await storage.persist() : undefined
  const persisted = await storage.persisted()
  const e = await storage.estimate()
  const quota = e.quota ?? 0
  const usage = e.usage ?? 0
  const free = Math.max(0, quota - usage - safetyMargin(quota))
  return {
    ...(persistRequested === undefined ? {} : { persistRequested }),
    persisted,
    quota,
    usage,
    ...(e.usageDetails ? { usageDetails: { ...e.usageDetails } } : {}),
    pledgeable: persisted ? free : 0,
    reason: persisted ? 'persisted' : 'not-persisted',
  }
}

/** Whole sectors a pledge may count given a report. */
export function pledgeableSectors(report: StorageReport, sectorSize: number, overheadPerSector = 0): number {
  return Math.floor(report.pledgeable / (sectorSize + overheadPerSector))
}
