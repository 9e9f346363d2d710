/**
 * Named errors of the light client. Compare `err.name`, never `instanceof` (CONVENTIONS §6). What
 * relays send never throws out of the client: a bad answer is an alarm and the answer is not used; these
 * errors only say that no verified answer (and nothing cached) exists, or that the client is not running.
 */

/** A method was called before `start()` resolved, or after `stop()`. */
export class LightClientNotStartedError extends Error {
  static override readonly name: string = 'LightClientNotStartedError'
  override readonly name = 'LightClientNotStartedError'
}

/** No relay could be reached and nothing verified is cached for this question. */
export class OfflineError extends Error {
  static override readonly name: string = 'OfflineError'
  override readonly name = 'OfflineError'
}

/**
 * Relays answered, but no answer could be verified (no certified header satisfies the trusted quorum
 * set, or every proof failed: see the alarms), and nothing verified is cached. `reasons` lists why, per relay.
 */
export class UnverifiedError extends Error {
  static override readonly name: string = 'UnverifiedError'
  override readonly name = 'UnverifiedError'
  constructor(
    message: string,
    readonly reasons: { relay: string; reason: string }[] = [],
  ) {
    super(
      reasons.length > 0
        ? `${message} (${reasons.map((r) => `${r.relay}: ${r.reason}`).join('; ')})`
        : message,
    )
  }
}

/** The user gave something that is not valid (an address, a quorum set). */
export class InvalidInputError extends Error {
  static override readonly name: string = 'InvalidInputError'
  override readonly name = 'InvalidInputError'
}
