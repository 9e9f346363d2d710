/**
 * Driving the app like a person would, with accessible selectors (getByRole / getByLabel): each one
 * doubles as a check that the control has a role and a name a screen reader can announce.
 */
import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'

export const PASSPHRASE = 'correct horse battery staple'

/** Create a wallet through onboarding; returns its recovery phrase and address. */
export async function createWallet(
  page: Page,
  passphrase = PASSPHRASE,
): Promise<{ phrase: string; address: string }> {
  await page.getByRole('button', { name: 'Create a new wallet' }).click()
  const list = page.getByRole('list', { name: 'Recovery phrase' })
  await list.waitFor({ timeout: 30_000 })
  const words = await list.getByRole('listitem').allTextContents()
  expect(words).toHaveLength(12)
  await page.getByRole('button', { name: 'I have written it down' }).click()
  for (const label of await page.getByLabel(/^Word #\d+$/).all()) {
    const n = Number((await label.getAttribute('id'))!.replace('confirm-', ''))
    await label.fill(words[n]!)
  }
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase)
  await page.getByLabel('Repeat passphrase').fill(passphrase)
  await page.getByRole('button', { name: 'Create wallet' }).click()
  return { phrase: words.join(' '), address: await myAddress(page) }
}

export async function restoreWallet(page: Page, phrase: string, passphrase = PASSPHRASE): Promise<string> {
  await page.getByRole('button', { name: 'Restore from a recovery phrase' }).click()
  await page.getByLabel('Recovery phrase').fill(phrase)
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase)
  await page.getByLabel('Repeat passphrase').fill(passphrase)
  await page.getByRole('button', { name: 'Restore wallet' }).click()
  return myAddress(page)
}

export async function unlock(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await page.getByLabel('Passphrase').fill(passphrase)
  await page.getByRole('button', { name: 'Unlock' }).click()
  await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 20_000 })
}

/** The wallet's address, read from the Me screen (then back home). */
export async function myAddress(page: Page): Promise<string> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Me', exact: true })
    .click({ timeout: 30_000 })
  const address = (await page.locator('#me-address-h + p code').textContent({ timeout: 10_000 }))!.trim()
  await go(page, 'Home')
  return address
}

export async function go(page: Page, tab: 'Home' | 'Pay' | 'Circle' | 'Network' | 'Me'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: tab, exact: true }).click()
}

/**
 * Move the keyboard focus with Tab (at most `max` presses) until it is on the element named `name`:
 * checks the element is reachable by keyboard, in document order.
 */
export async function tabTo(page: Page, name: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    const current = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim()
    })
    if (current === name) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`"${name}" was not reached with ${max} presses of Tab`)
}

/** Press and hold the check-in button with the keyboard (Space held down), as a keyboard user would. */
export async function holdToCheckIn(page: Page, ms = 1600): Promise<void> {
  const button = page.getByRole('button', { name: 'Hold to check in' })
  if (!(await button.evaluate((el) => el === document.activeElement))) await tabTo(page, 'Hold to check in')
  await page.keyboard.down('Space')
  await page.waitForTimeout(ms)
  await page.keyboard.up('Space')
}

/** Press and hold with the pointer (mouse) instead. */
export async function pressAndHold(page: Page, ms = 1600): Promise<void> {
  const button = page.getByRole('button', { name: 'Hold to check in' })
  const box = (await button.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.waitForTimeout(ms)
  await page.mouse.up()
}

/** Wait until the locator's text matches; returns the text. */
export async function waitForText(locator: Locator, re: RegExp, timeoutMs = 30_000): Promise<string> {
  const start = Date.now()
  let last = ''
  for (;;) {
    last =
      (await locator
        .first()
        .textContent({ timeout: 1000 })
        .catch(() => '')) ?? ''
    if (re.test(last)) return last
    if (Date.now() - start > timeoutMs)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${re} (last text: ${JSON.stringify(last)})`,
      )
    await new Promise((r) => setTimeout(r, 200))
  }
}
