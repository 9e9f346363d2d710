/**
 * Catch2-style sections for vitest, so stellar-core's SCPTests.cpp ports keep their shape: a test
 * body calls `section(name, body)`; every leaf path becomes its own vitest test, and each test runs
 * the body from the top, entering only the sections on its path (Catch2 re-runs the test case once
 * per leaf section in the same way).
 */
import { it } from 'vitest'

export type Section = (name: string, body: () => void) => void
export type SectionedBody = (section: Section) => void

/** Run `root` entering only the sections along `path`. */
export function runPath(root: SectionedBody, path: readonly string[]): void {
  let depth = 0
  let matched = 0 // how many sections of `path` are currently entered
  const section: Section = (name, body) => {
    if (matched !== depth || path[depth] !== name) return
    depth++
    matched++
    try {
      body()
    } finally {
      depth--
      matched--
    }
  }
  root(section)
}

/** Discover the leaf paths of `root` by running it (errors are left for the real runs to report). */
export function leafPaths(root: SectionedBody): string[][] {
  const done = new Set<string>()
  const leaves: string[][] = []
  for (let run = 0; run < 100_000; run++) {
    const stack: string[] = []
    const entered: boolean[] = [false]
    let pending = false
    let enteredNew = false
    const section: Section = (name, body) => {
      const key = [...stack, name].join('\u0000')
      const d = stack.length
      if (done.has(key)) return
      if (entered[d]) {
        pending = true
        return
      }
      entered[d] = true
      enteredNew = true
      stack.push(name)
      entered[d + 1] = false
      const outerPending = pending
      pending = false
      let childEntered = false
      try {
        body()
      } catch {
        // the path fails; its own test reports the error
      } finally {
        childEntered = entered[d + 1] === true
        if (!pending) {
          done.add(key)
          if (!childEntered) leaves.push([...stack])
        }
        pending = outerPending || pending
        stack.pop()
      }
    }
    try {
      root(section)
    } catch {
      // an error outside any section: the root itself is the only test
    }
    if (!enteredNew) break
    if (!pending) break
  }
  return leaves
}

/** Register one vitest test per leaf path of `root`, named by the path. */
export function sectionTests(root: SectionedBody): void {
  const paths = leafPaths(root)
  if (paths.length === 0) {
    it('(no sections)', () => root(() => {}))
    return
  }
  for (const path of paths) it(path.join(' › '), () => runPath(root, path))
}
