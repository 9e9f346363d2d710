/**
 * The slice of `AbortSignal` the pure core uses. The platform's AbortSignal satisfies it; src/core
 * cannot name the DOM/Node type itself (it compiles against ECMAScript only).
 */
export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason?: unknown
  throwIfAborted(): void
}

export interface AbortOptions {
  signal?: AbortSignalLike
}
