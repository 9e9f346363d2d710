/**
 * The PWA as a person uses it, in real Chromium, against a real devnet started here (four validator
 * processes; validator 0 serves the app built by `vite build` with the project's config). One devnet and
 * one build for the whole file; the tests run in order and build on each other, like a person's day:
 *
 *   install criteria → an update waits for the person → create a wallet (the account joins the network) → reload and unlock → restore the
 *   phrase in a fresh profile → a second person joins through an invitation link → check in (hold,
 *   puzzle, verified) and see the estimate → a second check-in is refused → pay the second person, verified
 *   on both sides → security circle → network view → a lying relay raises an alarm the UI shows → the
 *   payslip after the day closes, verified → every relay down: the last verified state, marked as such →
 *   a payment made offline is queued, then sent and verified when the relays are back.
 *
 * Selectors are accessible ones (getByRole / getByLabel): they double as accessibility checks.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fromHex } from '../../src/core/codec/bytes.js'
import { accountAddress } from '../../src/core/crypto/strkey.js'
import { type ChromiumSession, chromiumAvailable, launchChromium } from './harness/chromium.js'
import { type LyingRelay, startLyingRelay } from './helpers/lying-relay.js'
import {
  createWallet,
  go,
  holdToCheckIn,
  PASSPHRASE,
  pressAndHold,
  restoreWallet,
  unlock,
  waitForText,
} from './pwa-helpers/app.js'
import { buildApp, type PwaDevnet, startPwaDevnet } from './pwa-helpers/devnet.js'

/** Mining day length on this devnet (s): short enough to see a payslip, long enough to check in twice. */
const DAY = 30

describe.skipIf(!chromiumAvailable())('the PWA against a devnet', () => {
  let net: PwaDevnet
  let a: ChromiumSession
  let b: ChromiumSession | undefined
  let alice: { phrase: string; address: string }
  let bob: string
  let checkInDay: bigint

  const balance = (s: ChromiumSession) => s.page.getByRole('region', { name: 'Balance' })
  /** The balance figure shown (WATT), once verified. */
  const shownBalance = async (s: ChromiumSession) => {
    const text = await waitForText(balance(s), /^Balance[\d.]+\sWATT✓ Verified/)
    return Number(/^Balance([\d.]+)/.exec(text)![1])
  }
  const waitFor = async (cond: () => Promise<boolean>, ms: number, what: string) => {
    const start = Date.now()
    while (!(await cond())) {
      if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }

  beforeAll(async () => {
    net = await startPwaDevnet({ dayLength: DAY })
    a = await launchChromium()
    await a.page.setViewportSize({ width: 360, height: 760 })
  }, 120_000)

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && net)
      process.stderr.write(`\n[pwa-app] "${ctx.task.name}" failed; the devnet:\n${await net.diagnose()}\n`)
  })

  afterAll(async () => {
    await a?.close()
    await b?.close()
    await net?.close()
  })

  it('meets the install criteria: manifest with icons, a service worker controlling the page, offline reload', async () => {
    const { page, context } = a
    await page.goto(net.url)
    await page.getByRole('heading', { name: 'Welcome to Watt' }).waitFor()
    // The service worker precaches the shell and (clientsClaim) controls the page once active.
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, {
      timeout: 30_000,
    })
    const cdp = await context.newCDPSession(page)
    const manifest = (await cdp.send('Page.getAppManifest')) as {
      errors: unknown[]
      url: string
      parsed?: { icons?: { sizes?: string; purpose?: string[] }[] }
    }
    expect(manifest.errors).toEqual([])
    const installability = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[]
    }
    expect(installability.installabilityErrors).toEqual([])
    const json = (await (await fetch(`${net.url}/manifest.webmanifest`)).json()) as {
      icons: { src: string; sizes: string; type: string; purpose: string }[]
    }
    for (const [sizes, purpose] of [
      ['192x192', 'any'],
      ['512x512', 'any'],
      ['512x512', 'maskable'],
    ]) {
      const icon = json.icons.find(
        (i) => i.sizes === sizes && i.purpose === purpose && i.type === 'image/png',
      )
      expect(icon, `${sizes} ${purpose} PNG icon`).toBeDefined()
      const res = await fetch(`${net.url}${icon!.src}`)
      expect(res.headers.get('content-type')).toBe('image/png')
      const png = new Uint8Array(await res.arrayBuffer())
      const dv = new DataView(png.buffer)
      expect([dv.getUint32(16), dv.getUint32(20)].join('x')).toBe(sizes)
    }
    await cdp.detach()
    // Offline: the shell comes from the precache.
    await context.setOffline(true)
    await page.reload()
    await page.getByRole('heading', { name: 'Welcome to Watt' }).waitFor({ timeout: 15_000 })
    await context.setOffline(false)
  }, 90_000)

  it('loads under 150 KB of gzipped JavaScript before first paint (the build as served)', async () => {
    // What index.html loads: the entry module and its modulepreloads (the bench also reads the page's log).
    const html = readFileSync(join(net.appDir, 'index.html'), 'utf8')
    const scripts = [
      ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
      ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
    ].map((m) => m[1]!)
    expect(scripts.length).toBeGreaterThan(0)
    const gz = scripts.reduce(
      (n, s) => n + gzipSync(readFileSync(join(net.appDir, s)), { level: 6 }).length,
      0,
    )
    expect(gz).toBeLessThan(150 * 1024)
    // libp2p is not among them.
    for (const s of scripts) expect(readFileSync(join(net.appDir, s), 'utf8')).not.toMatch(/@libp2p|yamux/)
  })

  it('offers a new version and waits: only "Update now" switches to it', async () => {
    const { page } = a
    const version = page.getByText(/^Version /)
    expect(await version.textContent()).toBe('Version pwa-test-1')
    await buildApp(net.appDir, 'pwa-test-2')
    // The app checks hourly; a browser checks on navigation. Ask now.
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update())
    await page.getByRole('region', { name: 'Update available' }).waitFor({ timeout: 30_000 })
    // Nothing changed under the person's feet: the page still runs the version it started with.
    expect(await version.textContent()).toBe('Version pwa-test-1')
    await page.getByRole('button', { name: 'Update now' }).click()
    await waitForText(page.getByText(/^Version /), /^Version pwa-test-2$/, 30_000)
    expect(await page.getByRole('region', { name: 'Update available' }).count()).toBe(0)
  }, 90_000)

  it('creates a wallet whose account joins the network, verified; a reload locks it; the passphrase unlocks it', async () => {
    const { page } = a
    await page.reload()
    alice = await createWallet(page)
    expect(alice.address).toMatch(/^W[A-Z2-7]{55}$/)
    // The createAccount puzzle is solved and the account appears in a certified state.
    await waitForText(balance(a), /Verified at ledger \d+ \(\d validators signed\)/, 60_000)
    await page.getByRole('heading', { name: 'Daily check-in' }).waitFor({ timeout: 30_000 })
    // The history entry turns verified at the next status pass (its inclusion proof is checked after
    // the balance's state proof), so it may trail the balance by a moment.
    await waitForText(
      page.getByRole('list', { name: 'Transactions' }),
      /Account created.*Included and verified in ledger \d+/,
      30_000,
    )
    await page.reload()
    await page.getByRole('heading', { name: 'Unlock your wallet' }).waitFor()
    await page.getByLabel('Passphrase').fill('not the passphrase')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await waitForText(page.getByRole('alert'), /That passphrase does not unlock this wallet/)
    await unlock(page)
    await waitForText(balance(a), /Verified at ledger/, 30_000)
    await go(page, 'Me')
    expect(await page.locator('#me-address-h + p code').textContent()).toBe(alice.address)
    await go(page, 'Home')
  }, 120_000)

  it('restores the same wallet from its recovery phrase in a fresh browser profile', async () => {
    const r = await launchChromium()
    try {
      await r.page.goto(net.url)
      // A wrong phrase is explained in plain words, not restored.
      await r.page.getByRole('button', { name: 'Restore from a recovery phrase' }).click()
      await r.page
        .getByLabel('Recovery phrase')
        .fill(`${alice.phrase.split(' ').slice(0, 11).join(' ')} zzzz`)
      await r.page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
      await r.page.getByLabel('Repeat passphrase').fill(PASSPHRASE)
      await r.page.getByRole('button', { name: 'Restore wallet' }).click()
      await waitForText(r.page.getByRole('alert'), /not recovery-phrase words: zzzz/)
      await r.page.getByRole('button', { name: 'Back' }).click()
      expect(await restoreWallet(r.page, alice.phrase)).toBe(alice.address)
      await waitForText(balance(r), /Verified at ledger/, 60_000)
    } finally {
      await r.close()
    }
  }, 120_000)

  it('a second person joins through an invitation link: the inviter is the referrer', async () => {
    await go(a.page, 'Circle')
    const link = await a.page.getByLabel('Your invitation link', { exact: true }).inputValue()
    expect(link).toBe(`${net.url}/?ref=${alice.address}`)
    b = await launchChromium()
    await b.page.setViewportSize({ width: 360, height: 760 })
    await b.page.goto(link)
    await waitForText(b.page.getByRole('main'), /You were invited by/)
    bob = (await createWallet(b.page)).address
    await waitForText(balance(b), /Verified at ledger/, 60_000)
    await b.page.getByRole('heading', { name: 'Daily check-in' }).waitFor({ timeout: 30_000 })
    const account = await net.api<{ referrer: string | null }>(`/v1/accounts/${bob}`)
    expect(account.referrer).toBe(alice.address)
    await go(a.page, 'Home')
  }, 120_000)

  it('checks in with a press-and-hold (keyboard), solves the puzzle in a worker, verified; shows the estimate', async () => {
    const { page } = a
    // Start with most of a day left, so this check-in and the next attempt fall on the same day.
    const left = (await net.dayEndsAt()) - Date.now() / 1000
    if (left < DAY * 0.6) await page.waitForTimeout((left + 1.5) * 1000)
    // A short press does nothing but explain.
    await holdToCheckIn(page, 200)
    await waitForText(
      page.getByRole('status').filter({ hasText: /Hold the button/ }),
      /until the ring is full/,
    )
    await holdToCheckIn(page)
    const done = await waitForText(
      page.getByRole('status').filter({ hasText: /Checked in for day/ }),
      /Checked in for day \d+\. Verified in ledger \d+/,
      60_000,
    )
    checkInDay = BigInt(/day (\d+)/.exec(done)![1]!)
    await page.getByText('You have checked in today.').waitFor()
    const estimate = await page.getByRole('region', { name: "Today's estimated reward" }).textContent()
    expect(estimate).toMatch(/≈ 16\sWATT/)
    expect(estimate).toMatch(/This is an estimate/)
    expect(await page.getByRole('heading', { name: 'Daily check-in' }).locator('..').textContent()).toMatch(
      /Streak: 1 day/,
    )
  }, 120_000)

  it('refuses a second check-in on the same day, before solving, with a clear message', async () => {
    const { page } = a
    await pressAndHold(page)
    await waitForText(
      page.getByRole('status').filter({ hasText: /already checked in/ }),
      /You have already checked in today\. The next day starts in \d+/,
    )
    expect(await page.getByLabel('Solving the puzzle').count()).toBe(0)
    const items = await page
      .getByRole('list', { name: 'Transactions' })
      .getByRole('listitem')
      .allTextContents()
    expect(items.filter((t) => t.includes('Check-in for day'))).toHaveLength(1)
  }, 30_000)

  it('pays another wallet from a pasted payment request; both sides see it verified', async () => {
    const before = await shownBalance(a)
    await net.fund(alice.address, '10')
    await waitFor(async () => (await shownBalance(a)) >= before + 10, 30_000, 'the funded balance')
    const { page } = a
    await go(page, 'Pay')
    // Validation in plain words first.
    await page.getByLabel('Recipient address').fill(`${bob.slice(0, -1)}${bob.endsWith('A') ? 'B' : 'A'}`)
    await page.getByLabel('Amount (WATT)').fill('1.5')
    await page.getByRole('button', { name: 'Review payment' }).click()
    await waitForText(page.getByRole('alert').first(), /typo|check digits/)
    await page.getByLabel('Amount (WATT)').fill('100')
    await page.getByLabel('Recipient address').fill(`watt:${bob}?amount=1.5&memo=lunch`)
    expect(await page.getByLabel('Recipient address').inputValue()).toBe(bob)
    expect(await page.getByLabel('Amount (WATT)').inputValue()).toBe('1.5')
    expect(await page.getByLabel('Note (optional)').inputValue()).toBe('lunch')
    await page.getByRole('button', { name: 'Review payment' }).click()
    await waitForText(page.getByRole('region', { name: 'Check the payment' }), /Total\s*1\.5 WATT/)
    await page.getByRole('button', { name: 'Confirm and send' }).click()
    await waitForText(
      page.getByRole('region', { name: 'Payment sent' }),
      /1\.5 WATT to .*Included and verified in ledger \d+/,
      60_000,
    )
    await page.getByRole('button', { name: 'History' }).click()
    await waitForText(
      page.getByRole('list', { name: 'Transactions' }),
      /Payment of 1\.5 WATT to .*Included and verified in ledger/,
    )
    // A payment to an address with no account fails, and says why in plain words.
    const nobody = accountAddress(crypto.getRandomValues(new Uint8Array(32)))
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByRole('button', { name: 'New payment' }).click()
    await page.getByLabel('Recipient address').fill(nobody)
    await page.getByLabel('Amount (WATT)').fill('0.1')
    await page.getByRole('button', { name: 'Review payment' }).click()
    await waitForText(page.getByRole('alert'), /no account with this address on the network yet/)
    await page.getByRole('button', { name: 'Confirm and send' }).click()
    await waitForText(
      page.getByRole('region', { name: 'Payment sent' }),
      /Failed: There is no account with that address yet/,
      60_000,
    )
    // The receiver: a verified balance of exactly what was paid.
    await waitForText(balance(b!), /^Balance1\.5\s*WATT✓ Verified at ledger \d+/, 30_000)
    // The receive screen: address and a QR code of the payment request.
    await go(b!.page, 'Pay')
    await b!.page.getByRole('button', { name: 'Receive' }).click()
    await b!.page.getByLabel('Ask for an amount (optional, WATT)').fill('2')
    await b!.page
      .getByRole('img', { name: `QR code of your payment request: watt:${bob}?amount=2` })
      .waitFor()
    expect(await b!.page.locator('.qr svg').count()).toBe(1)
    await go(a.page, 'Home')
  }, 120_000)

  it('keeps a security circle of people it trusts, refusing bad entries in plain words', async () => {
    const { page } = a
    await go(page, 'Circle')
    const field = page.getByLabel('Address of someone you trust')
    const add = page.getByRole('button', { name: 'Add to circle' })
    await field.fill(alice.address)
    await add.click()
    await waitForText(page.getByRole('alert'), /cannot add yourself/)
    await field.fill('WNOTANADDRESS')
    await add.click()
    await waitForText(page.getByRole('alert'), /56 characters long/)
    await field.fill(bob)
    await add.click()
    await page.getByRole('button', { name: `Remove ${bob}` }).waitFor()
    await field.fill(bob)
    await add.click()
    await waitForText(page.getByRole('alert'), /already in your security circle/)
    await page.getByRole('button', { name: 'Save circle' }).click()
    await waitForText(
      page.getByRole('status').filter({ hasText: /circle/ }),
      /Security circle saved and verified in ledger \d+/,
      60_000,
    )
    const account = await net.api<{ circle: string[] }>(`/v1/accounts/${alice.address}`)
    expect(account.circle).toEqual([bob])
    await go(page, 'Home')
  }, 90_000)

  it('shows the network: relays, the trusted quorum set and how it was chosen, the latest ledger, close times', async () => {
    const { page } = a
    await go(page, 'Network')
    await waitForText(page.getByRole('region', { name: 'Relays' }), /\d of \d connected/)
    const trust = await page.getByRole('region', { name: 'Whom this app trusts' }).textContent()
    expect(trust).toMatch(/PageRank/)
    expect(trust).toMatch(/Any 3 of these 4/)
    await waitForText(
      page.getByRole('region', { name: 'Latest certified ledger' }),
      /Certified by\s*[34] validators/,
    )
    await page.getByRole('img', { name: /Seconds between the last \d+ ledgers/ }).waitFor({ timeout: 20_000 })
    await go(page, 'Home')
  }, 60_000)

  describe('a relay that lies', () => {
    let liar: LyingRelay
    let l: ChromiumSession

    beforeAll(async () => {
      const config = await net.api<{ networkId: string; relays: string[] }>('/config.json')
      liar = await startLyingRelay({
        networkId: fromHex(config.networkId),
        upstream: net.info.nodes[1]!.multiaddr,
        lie: 'balance',
      })
      l = await launchChromium()
      // This browser learns of the liar as one of the network's relays.
      await l.page.route('**/config.json', async (route) => {
        const res = await route.fetch()
        const body = (await res.json()) as { relays: string[] }
        await route.fulfill({
          response: res,
          json: { ...body, relays: [liar.addr, ...body.relays.slice(0, 1)] },
        })
      })
    }, 60_000)
    afterAll(async () => {
      await l?.close()
      await liar?.stop()
    })

    it('is caught by the light client and the alarm is shown prominently', async () => {
      await l.page.goto(net.url)
      expect(await restoreWallet(l.page, alice.phrase)).toBe(alice.address)
      const alarm = l.page.getByRole('alert').filter({ hasText: 'forged' })
      await waitForText(alarm, /A relay sent forged data:.*state proof fails/, 60_000)
      // The balance shown is still the true, verified one (not the liar's extra 1,000 WATT).
      await waitForText(balance(l), /✓ Verified at ledger/, 30_000)
      const truth = await net.api<{ balance: string }>(`/v1/accounts/${alice.address}`)
      expect(await shownBalance(l)).toBeLessThan(1000)
      expect(Math.abs((await shownBalance(l)) - Number(truth.balance))).toBeLessThan(20)
      expect(liar.forged.length).toBeGreaterThan(0)
      await go(l.page, 'Network')
      await waitForText(l.page.getByRole('main').getByRole('alert'), /forged/)
    }, 90_000)
  })

  it('shows a verified payslip (base, circle, referral, node bonus, fee share) once the day has closed', async () => {
    const { page } = a
    await go(page, 'Home')
    const slip = page.getByRole('region', { name: 'Your latest payslip' })
    await waitForText(slip, new RegExp(`Payslip for day ${checkInDay}`), (DAY + 20) * 1000)
    const text = (await slip.textContent())!
    for (const row of ['Base (pioneer)', 'Security circle', 'Referrals', 'Node bonus', 'Fee share', 'Total'])
      expect(text).toContain(row)
    expect(text).toMatch(/Base \(pioneer\).*16\s*WATT/)
    expect(text).toMatch(/Payslip verified against the payout root in ledger \d+ \([34] validators signed\)/)
  }, 120_000)

  it('with every relay down, opens from the service worker and shows the last verified state, marked as such', async () => {
    const { page } = a
    const shown = (await balance(a).textContent())!
    const figure = /Balance([\d.]+)/.exec(shown)![1]!
    await net.stopAll()
    await page.reload()
    await page.getByRole('heading', { name: 'Unlock your wallet' }).waitFor({ timeout: 20_000 })
    await unlock(page)
    await waitForText(
      balance(a),
      new RegExp(`^Balance${figure.replace('.', '\\.')}\\s*WATT.*Offline — last verified at ledger \\d+`),
      60_000,
    )
    await waitForText(page.getByRole('banner').getByRole('status'), /Offline/, 30_000)
    await waitForText(
      page.getByRole('alert').first(),
      /No relay reachable|Not enough trusted validators/,
      60_000,
    )
    // A check-in needs today's puzzle: refused in plain words, not attempted.
    await pressAndHold(page)
    await waitForText(
      page.getByRole('status').filter({ hasText: /offline|already/i }),
      /offline|already checked in/i,
    )
  }, 120_000)

  it('queues a payment made offline, and sends it when the relays are back: then it is verified', async () => {
    const { page } = a
    await go(page, 'Pay')
    await page.getByLabel('Recipient address').fill(bob)
    await page.getByLabel('Amount (WATT)').fill('0.25')
    await page.getByRole('button', { name: 'Review payment' }).click()
    await page.getByRole('button', { name: 'Confirm and send' }).click()
    const sent = page.getByRole('region', { name: 'Payment sent' })
    await waitForText(sent, /0\.25 WATT to .*Queued — will be sent when you are back online/, 30_000)
    await net.startAll()
    await waitForText(sent, /Included and verified in ledger \d+/, 120_000)
    await go(page, 'Home')
    await waitForText(balance(a), /✓ Verified at ledger/, 60_000)
  }, 180_000)
})
